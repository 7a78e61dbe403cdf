// Hex and base64url of byte arrays: short inputs are encoded from an off-heap scratch buffer
// (crypto/bytes.ts says why), so the answers must not depend on what the scratch held before, on
// where the input sits in its buffer, or on whether V8 keeps the input on its own heap.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, toHex } from '../../../crypto/bytes.js';

const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const nodeHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nodeB64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

describe('toHex / toBase64Url', () => {
  it('match Node for every length around the on-heap limit, fresh arrays and views at an offset', () => {
    const big = bytes(400, 7);
    for (let n = 0; n <= 130; n++) {
      const fresh = bytes(n, n);
      expect(toHex(fresh)).toBe(nodeHex(fresh));
      expect(toBase64Url(fresh)).toBe(nodeB64(fresh));
      const view = big.subarray(3 + n, 3 + 2 * n);
      expect(toHex(view)).toBe(nodeHex(view));
      expect(toBase64Url(view)).toBe(nodeB64(view));
    }
  });

  it('a short input after a longer one shows none of the longer one', () => {
    const long = bytes(64, 200);
    const short = Uint8Array.of(0xab, 0xcd);
    expect(toHex(long)).toBe(nodeHex(long));
    expect(toHex(short)).toBe('abcd');
    expect(toBase64Url(long)).toBe(nodeB64(long));
    expect(toBase64Url(short)).toBe('q80');
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('leave the input as it was, and base64url round-trips', () => {
    const b = bytes(32, 9);
    const copy = b.slice();
    expect(fromBase64Url(toBase64Url(b))).toEqual(copy);
    toHex(b);
    expect(b).toEqual(copy);
  });
});
