import { describe, expect, it } from 'vitest';
import { toHex } from '../../../crypto/bytes.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { hexOfKeyId, KEY_ID_HEX_CAPACITY } from '../../../crypto/key-id-hex.js';

const idOf = (n: number): Uint8Array =>
  keyIdOf(Uint8Array.from({ length: 32 }, (_, i) => (n >> (i % 4)) + i));

describe('hexOfKeyId', () => {
  it('is the hex of the key ID, the same string object each time it is asked again', () => {
    const id = idOf(1);
    const a = hexOfKeyId(id);
    expect(a).toBe(toHex(id));
    expect(hexOfKeyId(Uint8Array.from(id))).toBe(a);
  });

  it('reads the ID in a view into a larger buffer by its own bytes', () => {
    const id = idOf(2);
    const big = new Uint8Array(64).fill(0xee);
    big.set(id, 20);
    expect(hexOfKeyId(big.subarray(20, 36))).toBe(toHex(id));
  });

  it('two IDs sharing their first 30 bits each get their own hex', () => {
    const a = idOf(3);
    const b = Uint8Array.from(a);
    b[15] = b[15]! ^ 1;
    const c = Uint8Array.from(a);
    c[3] = c[3]! ^ 0x80; // outside the 30 bits the table is keyed by
    for (let round = 0; round < 2; round++) {
      expect(hexOfKeyId(a)).toBe(toHex(a));
      expect(hexOfKeyId(b)).toBe(toHex(b));
      expect(hexOfKeyId(c)).toBe(toHex(c));
    }
  });

  it('inputs of another length are hex-encoded as they are', () => {
    expect(hexOfKeyId(Uint8Array.of(1, 2, 255))).toBe('0102ff');
    expect(hexOfKeyId(new Uint8Array(0))).toBe('');
    const long = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(hexOfKeyId(long)).toBe(toHex(long));
  });

  it('stays right past its capacity (the table starts again; answers do not change)', () => {
    const ids = Array.from({ length: KEY_ID_HEX_CAPACITY + 500 }, (_, n) => idOf(n + 10));
    for (const id of ids) expect(hexOfKeyId(id)).toBe(toHex(id));
    for (const id of ids.slice(0, 50)) expect(hexOfKeyId(id)).toBe(toHex(id));
  });

  it('an array changed after it was looked up is read again by its bytes', () => {
    const id = Uint8Array.from(idOf(4));
    const before = hexOfKeyId(id);
    id[9] = id[9]! ^ 0xff;
    expect(hexOfKeyId(id)).toBe(toHex(id));
    expect(hexOfKeyId(id)).not.toBe(before);
  });
});
