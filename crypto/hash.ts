// SHA-256 helpers. Two engines, chosen by input size as measured in bench/crypto.ts: libsodium's
// one-shot call is about 2x faster than node:crypto on short inputs (no hash object to allocate),
// while OpenSSL uses the CPU's SHA extensions and is 2.5x-6x faster from about 1 KB up.
import { createHash, hash as nodeHash } from 'node:crypto';
import type { Hash32 } from '../codec/types.js';
import { concatBytes } from './bytes.js';
import { sodium } from './sodium.js';

/** Inputs up to this many bytes go to libsodium, longer ones to OpenSSL. */
const SODIUM_MAX_INPUT = 512;

// sodium-native reads each argument's backing store. V8 keeps a typed array of 64 bytes or less
// inside its own heap, and asking for its backing store moves the bytes out into a new malloc'd
// one: one malloc per hash for the fresh 32-byte digest alone (heaptrack on a loaded node: about
// one per envelope, mixed into the glibc arena that fragments). Short inputs and the digest go
// through off-heap scratch instead; the digest is copied into a fresh array that stays on the heap.
const ON_HEAP_MAX = 64;
const inScratch = new Uint8Array(new ArrayBuffer(ON_HEAP_MAX));
const inViews = Array.from({ length: ON_HEAP_MAX + 1 }, (_, n) => inScratch.subarray(0, n));
const digestScratch = new Uint8Array(new ArrayBuffer(32));

/** libsodium's SHA-256 of a short input (≤ SODIUM_MAX_INPUT) into a new array, no malloc per call. */
export function sodiumSha256(data: Uint8Array): Hash32 {
  let input = data;
  if (data.length <= ON_HEAP_MAX) {
    inScratch.set(data);
    input = inViews[data.length]!;
  }
  sodium.crypto_hash_sha256(digestScratch, input);
  const out = new Uint8Array(32);
  out.set(digestScratch);
  return out;
}

/** SHA-256 of one byte array. */
export function sha256(data: Uint8Array): Hash32 {
  if (data.length <= SODIUM_MAX_INPUT) return sodiumSha256(data);
  const b = nodeHash('sha256', data, 'buffer');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** SHA-256 of `data` written into `out` (32 bytes): for callers that keep hashes in one buffer. */
export function sha256Into(out: Uint8Array, data: Uint8Array): void {
  if (data.length <= SODIUM_MAX_INPUT) {
    sodium.crypto_hash_sha256(out, data);
    return;
  }
  out.set(nodeHash('sha256', data, 'buffer'));
}

/** SHA-256 over the concatenation of several parts (concatenated only when short: one fast call). */
export function sha256Parts(parts: readonly Uint8Array[]): Hash32 {
  let total = 0;
  for (const p of parts) total += p.length;
  if (total <= SODIUM_MAX_INPUT) return sha256(concatBytes(...parts));
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const b = h.digest();
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Tracing code of an envelope: SHA-256 of its encoded bytes (Table 10-3; Merkle leaves of a block). */
export function tracingCode(envelopeBytes: Uint8Array): Hash32 {
  return sha256(envelopeBytes);
}
