// The governance actions the Governance page may propose, parsed from the JSON the page sends and
// built by the very builders `bkdms gov propose` uses (api/gov-action-builders.ts), so the page and
// the CLI encode an action alike: the fields are the CLI's flags in camel case (a site's country,
// city, address and KPI codes as text; an SCP key's validity in days from now). Every field is
// checked before anything is signed, and a bad one is refused by name. Registering another chain's
// light client needs a header fetched from that chain: console/propose-counterparty.ts builds it,
// asynchronously. The chain checks every proposal again when it executes.
import { ApiError } from '../api/errors.js';
import {
  addScpKeyAction,
  type Num,
  recoverClientAction,
  registerSiteAction,
  retireScpKeyAction,
  rotateSiteKeyAction,
  setAdminsAction,
  setParamsAction,
  setValidatorsAction,
  siteStatusAction,
} from '../api/gov-action-builders.js';
import type { GovernanceAction } from '../codec/types.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import { FORM_TYPES, PROPOSABLE, type Proposable } from './proposable.js';

export { PROPOSABLE };

/** Each type's fields (besides `type`), the required ones first; `?` marks an optional one. */
const FIELDS: Record<Proposable, string[]> = {
  setAdmins: ['admins', 'threshold'],
  setValidators: ['validators', 'activateAt'],
  setParams: ['params', 'activateAt'],
  registerSite: ['publicKey', 'country', 'city', 'siteId', 'kpi'],
  suspendSite: ['siteKeyId'],
  resumeSite: ['siteKeyId'],
  revokeSite: ['siteKeyId'],
  rotateSiteKey: ['siteKeyId', 'newPublicKey'],
  addScpKey: ['publicKey', 'days'],
  retireScpKey: ['scpKeyId'],
  recoverClient: ['clientId', 'substituteId'],
};

const PARAMS = [
  'periodMs',
  'maxBlockEnvelopes',
  'maxBlockBytes',
  'viewTimeoutMs',
  'maxSeqGap?',
  'maxEnvelopeFutureMs?',
  'snapshotInterval?',
];

export const bad = (m: string, field: string): ConsoleError =>
  new ConsoleError(ConsoleErrorCode.BadRequest, m, { field });

/** Refuses unknown and missing fields of `o` by name. */
export function fieldsOf(o: Record<string, unknown>, fields: string[], where: string): void {
  const names = fields.map((f) => f.replace('?', ''));
  const extra = Object.keys(o).filter((k) => k !== 'type' && !names.includes(k));
  if (extra[0] !== undefined) throw bad(`${where}: unknown field ${extra[0]}`, extra[0]);
  const missing = fields.find((f) => !f.endsWith('?') && o[f] === undefined);
  if (missing !== undefined) throw bad(`${missing}: missing`, missing);
}

export const obj = (j: unknown): j is Record<string, unknown> =>
  typeof j === 'object' && j !== null && !Array.isArray(j);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A number field as sent (number or digits); the builder checks it. */
export const num = (v: unknown): Num => (typeof v === 'number' || typeof v === 'string' ? v : Number.NaN);
/** A key list as sent: the builder checks it is one. */
const list = (v: unknown): string[] => v as string[];

function build(o: Record<string, unknown>, type: Proposable, now: number): GovernanceAction {
  switch (type) {
    case 'setAdmins':
      return setAdminsAction(list(o.admins), num(o.threshold));
    case 'setValidators':
      return setValidatorsAction(list(o.validators), num(o.activateAt));
    case 'setParams': {
      if (!obj(o.params)) throw bad('params: a JSON object', 'params');
      fieldsOf(o.params, PARAMS, 'params');
      const p = o.params;
      return setParamsAction({
        periodMs: num(p.periodMs),
        maxBlockEnvelopes: num(p.maxBlockEnvelopes),
        maxBlockBytes: num(p.maxBlockBytes),
        viewTimeoutMs: num(p.viewTimeoutMs),
        ...(p.maxSeqGap === undefined ? {} : { maxSeqGap: num(p.maxSeqGap) }),
        ...(p.maxEnvelopeFutureMs === undefined ? {} : { maxEnvelopeFutureMs: num(p.maxEnvelopeFutureMs) }),
        ...(p.snapshotInterval === undefined ? {} : { snapshotInterval: num(p.snapshotInterval) }),
        activateAt: num(o.activateAt),
      });
    }
    case 'registerSite':
      if (!Array.isArray(o.kpi)) throw bad('kpi: a list of KPI codes', 'kpi');
      return registerSiteAction({
        publicKey: str(o.publicKey),
        country: num(o.country),
        city: str(o.city),
        siteId: str(o.siteId),
        kpi: o.kpi.map(num),
      });
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
      return siteStatusAction(type, str(o.siteKeyId));
    case 'rotateSiteKey':
      return rotateSiteKeyAction(str(o.siteKeyId), str(o.newPublicKey));
    case 'addScpKey':
      return addScpKeyAction(str(o.publicKey), num(o.days), now);
    case 'retireScpKey':
      return retireScpKeyAction(str(o.scpKeyId));
    case 'recoverClient':
      return recoverClientAction(num(o.clientId), num(o.substituteId));
  }
}

/** The page's action JSON as a GovernanceAction; BAD_REQUEST naming the field otherwise. */
export function proposalAction(j: unknown, now = Date.now()): GovernanceAction {
  if (!obj(j)) throw bad('action: a JSON object', 'action');
  const type = PROPOSABLE.find((t) => t === j.type);
  if (type === undefined) throw bad(`action.type: one of ${FORM_TYPES.join(', ')}`, 'type');
  fieldsOf(j, FIELDS[type], 'action');
  try {
    return build(j, type, now);
  } catch (err) {
    if (err instanceof ApiError) throw bad(err.detail, String(err.meta.field ?? 'action'));
    throw err;
  }
}
