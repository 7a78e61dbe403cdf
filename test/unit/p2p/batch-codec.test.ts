import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSize, decodeBatch, encodeBatch, splitBatches } from '../../../node/p2p/batch-codec.js';
import { P2PErrorCode } from '../../../node/p2p/errors.js';

describe('envelope batch layout', () => {
  it('roundtrips any list of envelopes, and its size is what batchSize says', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 40 }), (items) => {
        const bytes = encodeBatch(items);
        const total = items.reduce((n, i) => n + i.length, 0);
        expect(bytes.length).toBe(batchSize(total, items.length));
        expect(decodeBatch(bytes, 40).map((x) => [...x])).toEqual(items.map((x) => [...x]));
      }),
    );
  });

  it('decodes views at an offset inside a larger buffer', () => {
    const inner = encodeBatch([Uint8Array.of(5, 6)]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(decodeBatch(outer.subarray(3), 1).map((x) => [...x])).toEqual([[5, 6]]);
  });

  it('never throws anything but a BAD_FRAME P2PError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeBatch(bytes, 16);
        } catch (err) {
          expect(err).toMatchObject({ code: P2PErrorCode.BadFrame });
        }
      }),
    );
  });

  it('rejects a count over the limit, truncation and trailing bytes', () => {
    const ok = encodeBatch([Uint8Array.of(1), Uint8Array.of(2)]);
    const bad =
      (b: Uint8Array, max = 10) =>
      () =>
        decodeBatch(b, max);
    const code = expect.objectContaining({ code: P2PErrorCode.BadFrame });
    expect(bad(ok, 1)).toThrow(code);
    expect(bad(ok.subarray(0, ok.length - 1))).toThrow(code);
    expect(bad(Uint8Array.of(...ok, 0))).toThrow(code);
    expect(bad(Uint8Array.of(0, 0))).toThrow(code);
    // A huge count is refused before any array of that size is built.
    expect(bad(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0xffffffff)).toThrow(code);
  });
});

describe('splitBatches', () => {
  it('keeps order, fills each batch up to the cap, and every batch decodes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 50 }), (lengths) => {
        const items = lengths.map((n, i) => new Uint8Array(n).fill(i & 0xff));
        const batches = splitBatches(items, 128);
        const back = batches.flatMap((b) => decodeBatch(b, 64));
        expect(back.map((x) => [...x])).toEqual(items.map((x) => [...x]));
        for (const b of batches) expect(b.length).toBeLessThanOrEqual(128);
        // Greedy: the next batch's first envelope would not have fitted in the one before.
        for (let k = 1; k < batches.length; k++) {
          const prev = decodeBatch(batches[k - 1]!, 64);
          const first = decodeBatch(batches[k]!, 64)[0]!;
          const bytes = prev.reduce((n, x) => n + x.length, 0) + first.length;
          expect(batchSize(bytes, prev.length + 1)).toBeGreaterThan(128);
        }
      }),
    );
  });

  it('throws OVERSIZED for an envelope that fits no batch', () => {
    expect(() => splitBatches([new Uint8Array(200)], 128)).toThrow(
      expect.objectContaining({ code: P2PErrorCode.Oversized }),
    );
  });
});
