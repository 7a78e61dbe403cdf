// Following the remote validator set. The remote chain keeps its set as a schedule in its own
// contract state ("gov/validators": every {activateAt, set}); a header's stateRoot commits to the
// state after the block before it. A state proof of that key against a header the client has just
// accepted (certified by the set it trusts) therefore shows every change executed before the
// header, including those that activate later: the set before a change vouches for the next one.
import { MAX_VALIDATORS } from '../../codec/caps.js';
import type { BlockHeader } from '../../codec/types.js';
import { type Check, Reason, reject } from '../reasons.js';
import { K, type Scheduled } from '../records.js';
import { verifyStateProof } from '../state-proof.js';
import { setAt } from './remote-header.js';

const HEX_KEY = /^[0-9a-f]{64}$/;
const dec = new TextDecoder();

function parseSchedule(bytes: Uint8Array): Scheduled<string[]>[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(dec.decode(bytes));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  let prev = -1;
  for (const s of v as Scheduled<string[]>[]) {
    if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.activateAt) || s.activateAt <= prev)
      return undefined;
    if (!Array.isArray(s.value) || s.value.length < 1 || s.value.length > MAX_VALIDATORS) return undefined;
    if (!s.value.every((k) => typeof k === 'string' && HEX_KEY.test(k))) return undefined;
    prev = s.activateAt;
  }
  return (v as Scheduled<string[]>[]).map((s) => ({ activateAt: s.activateAt, value: [...s.value] }));
}

function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((k, i) => k === b[i]);
}

/**
 * The schedule proven at `header` (already accepted), merged for a client that knows `known`
 * (final up to `provenAt`). Refused when the proof does not verify or when the proven schedule
 * names another set than the known one at any height from the client's first activation up to
 * `provenAt` (two histories: one of them is forged). Activations before the client's first are
 * dropped: the client never trusted sets older than its registration.
 */
export function provenSchedule(
  known: readonly Scheduled<string[]>[],
  provenAt: number,
  header: BlockHeader,
  proof: Uint8Array,
): Check<Scheduled<string[]>[]> {
  let raw: Uint8Array | undefined;
  try {
    raw = verifyStateProof(header.stateRoot, K.validators, proof);
  } catch {
    return reject(Reason.BadScheduleProof);
  }
  const proven = raw === undefined ? undefined : parseSchedule(raw);
  if (proven === undefined) return reject(Reason.BadScheduleProof);
  const floor = known[0]?.activateAt ?? 0;
  const points = new Set([floor]);
  for (const s of [...known, ...proven])
    if (s.activateAt > floor && s.activateAt <= provenAt) points.add(s.activateAt);
  for (const p of points)
    if (!sameSet(setAt(known, p), setAt(proven, p))) return reject(Reason.BadScheduleProof);
  const kept: Scheduled<string[]>[] = [{ activateAt: floor, value: setAt(proven, floor) as string[] }];
  for (const s of proven) if (s.activateAt > floor) kept.push(s);
  return { ok: true, value: kept };
}
