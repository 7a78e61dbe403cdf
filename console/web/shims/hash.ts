// The browser's stand-in for crypto/hash.ts (which picks libsodium or OpenSSL by input size): the
// same functions over @noble/hashes' SHA-256. Swapped in by console/bundle.ts.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';

type Hash32 = Uint8Array;

export function sha256(data: Uint8Array): Hash32 {
  return nobleSha256(data);
}

/** The node's short-input path (off-heap scratch for libsodium); here the same SHA-256. */
export function sodiumSha256(data: Uint8Array): Hash32 {
  return nobleSha256(data);
}

/** SHA-256 of `data` written into `out` (32 bytes). */
export function sha256Into(out: Uint8Array, data: Uint8Array): void {
  out.set(nobleSha256(data));
}

export function sha256Parts(parts: readonly Uint8Array[]): Hash32 {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

export function tracingCode(envelopeBytes: Uint8Array): Hash32 {
  return nobleSha256(envelopeBytes);
}
