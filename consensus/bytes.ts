// Byte helpers of the core. Hashes serve as Map keys in "binary string" form: one char per
// byte, built natively in one call. (A hex string grown by += is a rope that every Map lookup
// has to flatten again: that was the core's largest cost per envelope.)

/** A 32-byte hash as a Map key (one UTF-16 unit per byte). */
export function hashKey(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/** The bytes of a hashKey(). */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** Lower-case hex, for people (logs, the simulator's summaries). */
export { toHex } from '../crypto/bytes.js';

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
