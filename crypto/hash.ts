// SHA-256 helpers. Two engines, chosen by input size as measured in bench/crypto.ts: libsodium's
// one-shot call is about 2x faster than node:crypto on short inputs (no hash object to allocate),
// while OpenSSL uses the CPU's SHA extensions and is 2.5x-6x faster from about 1 KB up.
import { createHash, hash as nodeHash } from 'node:crypto';
import type { Hash32 } from '../codec/types.js';
import { concatBytes, offHeapShort } from './bytes.js';
import { sodium } from './sodium.js';

/** Inputs up to this many bytes go to libsodium, longer ones to OpenSSL. */
const SODIUM_MAX_INPUT = 512;

// sodium-native reads each argument's backing store, which for a typed array of 64 bytes or less
// (kept inside V8's heap) means a malloc to move it out: the input goes through bytes.ts's shared
// off-heap scratch, and the digest through its own, copied into a fresh array that stays on the heap.
const digestScratch = new Uint8Array(new ArrayBuffer(32));

/** libsodium's SHA-256 of a short input (≤ SODIUM_MAX_INPUT) into a new array, no malloc per call. */
export function sodiumSha256(data: Uint8Array): Hash32 {
  sodium.crypto_hash_sha256(digestScratch, offHeapShort(data));
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
