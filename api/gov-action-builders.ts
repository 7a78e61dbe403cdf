// The governance actions built from an administrator's text input, once for every front end:
// `bkdms gov propose …` (its flags, cli/gov-actions.ts) and the web console's Propose form (its JSON
// fields, console/propose.ts) call these same builders, so both encode an action the same way
// (country and KPI names resolved from the catalogues, site ID from an address, KPI codes sorted
// and distinct, SCP key validity counted from now). Each bad input is an INVALID_ARGUMENT ApiError
// naming its field (meta.field); the chain checks every action again when it executes.
import { BkdmsError } from '../codec/base-error.js';
import type { ChainParams, GovernanceAction } from '../codec/types.js';
import { KEY_ID_LENGTH } from '../crypto/key-id.js';
import { findKpi } from '../kpi/catalogue.js';
import { parseCityCode } from '../kpi/city.js';
import { findCountry } from '../kpi/countries.js';
import { parseSiteId } from '../kpi/site-id.js';
import { ApiError, ApiErrorCode } from './errors.js';

/** A flag's text, or the same value as a JSON number. */
export type Num = string | number;

export const bad = (field: string, message: string): ApiError =>
  new ApiError(ApiErrorCode.InvalidArgument, `${field}: ${message}`, { field });

/** Exactly `bytes` bytes of hex (either case). */
export function hexField(v: unknown, bytes: number, field: string): Uint8Array {
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(v))
    throw bad(field, `expected ${bytes * 2} hex digits`);
  return Uint8Array.from(Buffer.from(v, 'hex'));
}

/** A non-negative safe integer, from its decimal text or a JSON number. */
export function intField(v: unknown, field: string): number {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw bad(field, `not a non-negative integer: ${String(v)}`);
  return n;
}

/** A catalogue parser's own error re-raised as the field's. */
function parsed<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof BkdmsError) throw bad(field, err.detail);
    throw err;
  }
}

export interface SiteInput {
  publicKey: string;
  /** ISO 3166-1 numeric (text or number) or alpha-2/3. */
  country: Num;
  /** locode:CNSHA, national:310000 or geonames:1796236. */
  city: string;
  /** The site's IPv4 or IPv6 address. */
  siteId: string;
  /** KPI codes ("EN: EN: AQ: 1C"), names or wire codes. */
  kpi: readonly Num[];
}

export function registerSiteAction(o: SiteInput): GovernanceAction {
  const country =
    typeof o.country === 'number' || typeof o.country === 'string'
      ? findCountry(/^\d+$/.test(String(o.country)) ? Number(o.country) : o.country)
      : undefined;
  if (country === undefined) throw bad('country', `unknown country ${String(o.country)}`);
  if (!Array.isArray(o.kpi) || o.kpi.length === 0) throw bad('kpi', 'one KPI code or more');
  const kpiCodes = o.kpi.map((k, i) => {
    const def =
      typeof k === 'number' || typeof k === 'string'
        ? findKpi(/^\d+$/.test(String(k)) ? Number(k) : k)
        : undefined;
    if (def === undefined) throw bad(`kpi[${i}]`, `unknown KPI ${String(k)}`);
    return def.wire;
  });
  return {
    type: 'registerSite',
    publicKey: hexField(o.publicKey, 32, 'publicKey'),
    country: country.numeric,
    city: parsed('city', () => parseCityCode(o.city)),
    siteId: parsed('siteId', () => parseSiteId(o.siteId)),
    kpiCodes: [...new Set(kpiCodes)].sort((a, b) => a - b),
  };
}

export type SiteStatusAction = 'suspendSite' | 'resumeSite' | 'revokeSite';

export function siteStatusAction(type: SiteStatusAction, siteKeyId: string): GovernanceAction {
  return { type, siteKeyId: hexField(siteKeyId, KEY_ID_LENGTH, 'siteKeyId') };
}

export function rotateSiteKeyAction(siteKeyId: string, newPublicKey: string): GovernanceAction {
  return {
    type: 'rotateSiteKey',
    siteKeyId: hexField(siteKeyId, KEY_ID_LENGTH, 'siteKeyId'),
    newPublicKey: hexField(newPublicKey, 32, 'newPublicKey'),
  };
}

/** Most days an SCP key may be proposed valid for (ten years). */
export const MAX_SCP_KEY_DAYS = 3_660;

/** An X25519 key valid from `now` for `days` days. */
export function addScpKeyAction(publicKey: string, days: Num, now: number): GovernanceAction {
  const d = intField(days, 'days');
  if (d < 1 || d > MAX_SCP_KEY_DAYS) throw bad('days', `1..${MAX_SCP_KEY_DAYS}`);
  return {
    type: 'addScpKey',
    publicKey: hexField(publicKey, 32, 'publicKey'),
    notBefore: now,
    notAfter: now + d * 86_400_000,
  };
}

export function retireScpKeyAction(scpKeyId: string): GovernanceAction {
  return { type: 'retireScpKey', scpKeyId: hexField(scpKeyId, KEY_ID_LENGTH, 'scpKeyId') };
}

export interface ParamsInput {
  periodMs: Num;
  maxBlockEnvelopes: Num;
  maxBlockBytes: Num;
  viewTimeoutMs: Num;
  maxSeqGap?: Num;
  maxEnvelopeFutureMs?: Num;
  snapshotInterval?: Num;
  activateAt: Num;
}

export function setParamsAction(o: ParamsInput): GovernanceAction {
  const params: ChainParams = {
    periodMs: intField(o.periodMs, 'periodMs'),
    maxBlockEnvelopes: intField(o.maxBlockEnvelopes, 'maxBlockEnvelopes'),
    maxBlockBytes: intField(o.maxBlockBytes, 'maxBlockBytes'),
    viewTimeoutMs: intField(o.viewTimeoutMs, 'viewTimeoutMs'),
  };
  if ((o.maxSeqGap === undefined) !== (o.maxEnvelopeFutureMs === undefined))
    throw bad('maxSeqGap', 'maxSeqGap and maxEnvelopeFutureMs go together');
  if (o.maxSeqGap !== undefined && o.maxEnvelopeFutureMs !== undefined) {
    params.maxSeqGap = intField(o.maxSeqGap, 'maxSeqGap');
    params.maxEnvelopeFutureMs = intField(o.maxEnvelopeFutureMs, 'maxEnvelopeFutureMs');
  }
  if (o.snapshotInterval !== undefined)
    params.snapshotInterval = intField(o.snapshotInterval, 'snapshotInterval');
  return { type: 'setParams', params, activateAt: intField(o.activateAt, 'activateAt') };
}

/** More keys than a governance action ever sets; the chain bounds the real sizes. */
export const MAX_ACTION_KEYS = 64;

function keyList(v: unknown, field: string): Uint8Array[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_ACTION_KEYS)
    throw bad(field, `a list of 1..${MAX_ACTION_KEYS} public keys`);
  const keys = v.map((k, i) => hexField(k, 32, `${field}[${i}]`));
  if (new Set(v.map((k) => String(k).toLowerCase())).size !== keys.length)
    throw bad(field, 'a key is listed twice');
  return keys;
}

export function setValidatorsAction(validators: readonly string[], activateAt: Num): GovernanceAction {
  return {
    type: 'setValidators',
    validators: keyList(validators, 'validators').map((publicKey) => ({ publicKey })),
    activateAt: intField(activateAt, 'activateAt'),
  };
}

export function setAdminsAction(admins: readonly string[], threshold: Num): GovernanceAction {
  const keys = keyList(admins, 'admins');
  const m = intField(threshold, 'threshold');
  if (m < 1 || m > keys.length) throw bad('threshold', `an integer from 1 to ${keys.length}`);
  return { type: 'setAdmins', admins: keys, threshold: m };
}

const u16 = (v: Num, field: string): number => {
  const n = intField(v, field);
  if (n > 0xffff) throw bad(field, `not 0..65535: ${v}`);
  return n;
};

/** Restores a frozen or expired cross-chain light client from an active substitute. */
export function recoverClientAction(clientId: Num, substituteId: Num): GovernanceAction {
  return {
    type: 'recoverClient',
    clientId: u16(clientId, 'clientId'),
    substituteId: u16(substituteId, 'substituteId'),
  };
}
