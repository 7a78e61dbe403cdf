// Small byte helpers used across crypto/. Kept here rather than imported from codec/ so that the
// crypto primitives stay usable on raw bytes.
import { timingSafeEqual } from 'node:crypto';

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time equality for secrets and MACs; false (not an exception) on different lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of a domain-separation label. */
export function label(text: string): Uint8Array {
  return utf8.encode(text);
}

/** Writes a non-negative safe integer as 8 bytes big-endian (times in key derivation inputs). */
export function u64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

// V8 keeps a typed array of 64 bytes or less inside its own heap; reading its `.buffer` (which
// wrapping it in a Buffer does, and which sodium-native does for each argument) moves the bytes
// out into a new malloc'd backing store, with its bookkeeping: four native allocations, alive until
// the array dies. Hex of a tracing code, the SHA-256 of a short input and an Ed25519 verify's short
// message did that once per envelope (heaptrack on a loaded node), so short inputs are copied into
// one off-heap scratch buffer and used from there. Longer arrays are off the V8 heap already.
const SMALL = 64;
const scratch = Buffer.allocUnsafeSlow(SMALL);
const scratchViews = Array.from({ length: SMALL + 1 }, (_, n) => scratch.subarray(0, n));

/**
 * `bytes` itself when longer than 64 bytes, else a copy in the shared off-heap scratch, valid until
 * the next call: for synchronous native calls that read it at once (every caller is synchronous,
 * so one scratch serves them all).
 */
export function offHeapShort(bytes: Uint8Array): Uint8Array {
  if (bytes.length > SMALL) return bytes;
  scratch.set(bytes);
  return scratchViews[bytes.length]!;
}

/** `bytes` as a Buffer over memory that is already off the V8 heap (valid until the next call). */
function offHeap(bytes: Uint8Array): Buffer {
  if (bytes.length > SMALL) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  scratch.set(bytes);
  return scratchViews[bytes.length]!;
}

export function toBase64Url(bytes: Uint8Array): string {
  return offHeap(bytes).toString('base64url');
}

export function fromBase64Url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

export function toHex(bytes: Uint8Array): string {
  return offHeap(bytes).toString('hex');
}
