import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256, sha256Parts, tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { LruCache } from '../../../crypto/lru.js';
import { systemRandom } from '../../../crypto/random.js';
import { toHexString } from './helpers.js';

const ref = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('hashing', () => {
  it('sha256 matches node:crypto on both sides of the engine switch (short and long inputs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => {
        expect(toHexString(sha256(b))).toBe(ref(b));
        expect(toHexString(tracingCode(b))).toBe(ref(b));
      }),
      { numRuns: 200 },
    );
    expect(toHexString(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('short inputs of every length around the off-heap scratch size hash right, and each digest is its own array', () => {
    const digests: Uint8Array[] = [];
    for (let n = 0; n <= 70; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255);
      digests.push(sha256(b));
      expect(toHexString(digests[n]!)).toBe(ref(b));
    }
    // Later calls reuse the scratch: an earlier digest must not change with them.
    expect(toHexString(digests[0]!)).toBe(ref(new Uint8Array(0)));
    expect(new Set(digests.map((d) => d.buffer)).size).toBe(digests.length);
  });

  it('hashes views into larger buffers by their own bytes only (zero-copy codec views)', () => {
    const big = Uint8Array.from({ length: 2000 }, (_, i) => i & 255);
    for (const [at, n] of [
      [3, 40],
      [100, 1500],
    ] as const) {
      const view = big.subarray(at, at + n);
      expect(toHexString(sha256(view))).toBe(ref(Uint8Array.from(view)));
    }
  });

  it('sha256Parts equals the hash of the concatenation (short and long totals)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), (parts) => {
        expect(toHexString(sha256Parts(parts))).toBe(ref(Buffer.concat(parts)));
      }),
    );
  });

  it('keyIdOf = first 16 bytes of SHA-256("BKDMS/v1/key-id\\0" || key)', () => {
    const key = new Uint8Array(32).fill(9);
    const expected = createHash('sha256').update('BKDMS/v1/key-id\0').update(key).digest('hex').slice(0, 32);
    expect(toHexString(keyIdOf(key))).toBe(expected);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry beyond capacity', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.size).toBe(2);
    let calls = 0;
    expect(c.getOrCreate('c', () => ++calls)).toBe(3);
    expect(calls).toBe(0);
  });
});

describe('systemRandom', () => {
  it('returns the requested lengths and never repeats a block, across the 4 KiB refill', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const n = systemRandom(12);
      expect(n).toHaveLength(12);
      seen.add(toHexString(n));
    }
    expect(seen.size).toBe(1000);
    expect(systemRandom(100)).toHaveLength(100);
    expect(systemRandom(0)).toHaveLength(0);
  });
});
