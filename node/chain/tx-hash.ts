// Tracing codes of envelopes, remembered per byte array: one envelope's bytes pass admission,
// the consensus core's request table, block building or validation, the commit and pre-verification,
// and each of them needs the same SHA-256 (profiled under load: five hashes of every envelope on a
// primary, 9% of its main thread). Keyed by the array object (a WeakMap, so nothing outlives the
// envelope); envelope bytes are never modified once received.
import type { Hash32 } from '../../codec/types.js';
import { tracingCode } from '../../crypto/hash.js';

const known = new WeakMap<Uint8Array, Hash32>();

export function envelopeTracingCode(bytes: Uint8Array): Hash32 {
  let tc = known.get(bytes);
  if (tc === undefined) {
    tc = tracingCode(bytes);
    known.set(bytes, tc);
  }
  return tc;
}

/** Remembers `tc` as the tracing code of `bytes`, known equal to bytes already hashed (a byte comparison). */
export function rememberTracingCode(bytes: Uint8Array, tc: Hash32): void {
  known.set(bytes, tc);
}
