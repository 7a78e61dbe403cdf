// Helpers shared by the codec tests: error-code capture, hex, and the round-trip property.
import fc from 'fast-check';
import { expect } from 'vitest';
import { CodecError, type CodecErrorCode } from '../../../codec/errors.js';

import { hex } from './hex.js';

export { hex, unhex } from './hex.js';

/** The CodecError code fn throws, 'none' if it returns, 'other' for any other throw. */
export function codeOf(fn: () => unknown): CodecErrorCode | 'none' | 'other' {
  try {
    fn();
    return 'none';
  } catch (e) {
    return e instanceof CodecError ? e.code : 'other';
  }
}

/** decode(encode(x)) deep-equals x and encode(decode(b)) equals b, for random valid x. */
export function checkRoundTrip<T>(
  arb: fc.Arbitrary<T>,
  encode: (x: T) => Uint8Array,
  decode: (b: Uint8Array) => T,
  numRuns = 300,
): void {
  fc.assert(
    fc.property(arb, (x) => {
      const b = encode(x);
      const y = decode(b);
      expect(y).toEqual(x);
      expect(hex(encode(y))).toBe(hex(b));
    }),
    { numRuns },
  );
}

/** Every strict prefix of a valid encoding is rejected with a CodecError (never silently accepted). */
export function checkPrefixesRejected(b: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  for (let n = 0; n < b.length; n++) expect(codeOf(() => decode(b.subarray(0, n)))).not.toMatch(/none|other/);
}

/** A copy of b with b[i] replaced. */
export function patched(b: Uint8Array, i: number, v: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[i] = v;
  return c;
}
