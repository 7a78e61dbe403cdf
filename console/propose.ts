// The governance actions the Governance page may propose, parsed from the JSON the page sends (the
// form `bkdms gov list --json` prints an action in) and checked field by field before anything is
// signed: the administrators and their threshold, the validator set, and suspending, resuming or
// revoking a site. The rest (parameters, sites' registrations, SCP keys, cross-chain clients) is
// proposed with `bkdms gov propose`. The chain checks every proposal again when it executes.
import type { GovernanceAction } from '../codec/types.js';
import { KEY_ID_LENGTH } from '../crypto/key-id.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';

export const PROPOSABLE = ['setAdmins', 'setValidators', 'suspendSite', 'resumeSite', 'revokeSite'] as const;

/** More keys than a governance page ever sets; the chain bounds the real sizes. */
const MAX_KEYS = 64;

const bad = (m: string): ConsoleError => new ConsoleError(ConsoleErrorCode.BadRequest, m);

function hexKey(v: unknown, bytes: number, what: string): Uint8Array {
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(v))
    throw bad(`${what}: ${bytes * 2} hex digits`);
  return new Uint8Array(Buffer.from(v, 'hex'));
}

function keyList(v: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_KEYS)
    throw bad(`${what}: a list of 1..${MAX_KEYS} public keys`);
  const keys = v.map((k, i) => hexKey(k, 32, `${what}[${i}]`));
  if (new Set(v.map((k) => String(k).toLowerCase())).size !== keys.length)
    throw bad(`${what}: a key is listed twice`);
  return keys;
}

function count(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw bad(`${what}: an integer from ${min} to ${max}`);
  return v;
}

/** The page's action JSON as a GovernanceAction; BAD_REQUEST naming the field otherwise. */
export function proposalAction(j: unknown): GovernanceAction {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw bad('action: a JSON object');
  const o = j as Record<string, unknown>;
  const known = (fields: string[]): void => {
    const extra = Object.keys(o).filter((k) => k !== 'type' && !fields.includes(k));
    if (extra.length > 0) throw bad(`action: unknown field ${extra[0]}`);
  };
  switch (o.type) {
    case 'setAdmins': {
      known(['admins', 'threshold']);
      const admins = keyList(o.admins, 'admins');
      return { type: 'setAdmins', admins, threshold: count(o.threshold, 'threshold', 1, admins.length) };
    }
    case 'setValidators':
      known(['validators', 'activateAt']);
      return {
        type: 'setValidators',
        validators: keyList(o.validators, 'validators').map((publicKey) => ({ publicKey })),
        activateAt: count(o.activateAt, 'activateAt', 1, Number.MAX_SAFE_INTEGER),
      };
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
      known(['siteKeyId']);
      return { type: o.type, siteKeyId: hexKey(o.siteKeyId, KEY_ID_LENGTH, 'siteKeyId') };
    default:
      throw bad(`action.type: one of ${PROPOSABLE.join(', ')} (the others with bkdms gov propose)`);
  }
}
