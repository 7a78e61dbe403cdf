import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Block } from '../../../../codec/types.js';
import { RecentBlocks, recentBlocksBounds } from '../../../../node/chain/recent-blocks.js';

/** A block of `sizes.length` envelopes of those byte lengths (only height and envelopes matter here). */
const block = (height: number, sizes: number[]): Block =>
  ({ header: { height }, envelopes: sizes.map((n) => new Uint8Array(n)) }) as unknown as Block;

describe('RecentBlocks', () => {
  it('keeps the newest heights, never more than maxBlocks, never fewer than minBlocks, within maxBytes above that', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 10 }), {
          minLength: 1,
          maxLength: 60,
        }),
        (minBlocks, extra, maxBytes, blocks) => {
          const r = new RecentBlocks({ minBlocks, maxBlocks: minBlocks + extra, maxBytes });
          blocks.forEach((sizes, i) => {
            const h = i + 1;
            r.add(block(h, sizes));
            expect(r.size).toBeLessThanOrEqual(minBlocks + extra);
            expect(r.size).toBeGreaterThanOrEqual(Math.min(minBlocks, h));
            if (r.size > minBlocks) expect(r.byteSize).toBeLessThanOrEqual(maxBytes);
            // What is held is the newest r.size heights, with their bytes counted exactly.
            let bytes = 0;
            for (let k = h; k > h - r.size; k--) {
              const b = r.get(k);
              expect(b?.header.height).toBe(k);
              bytes += b!.envelopes.reduce((n, e) => n + e.length, 0);
            }
            expect(r.get(h - r.size)).toBeUndefined();
            expect(r.byteSize).toBe(bytes);
          });
        },
      ),
    );
  });

  it('the default bounds hold the PBFT window however large its blocks, and twice it when they are small', () => {
    const r = new RecentBlocks(recentBlocksBounds(64, 1_000_000));
    for (let h = 1; h <= 300; h++) r.add(block(h, [100_000]));
    expect(r.size).toBe(64);
    const small = new RecentBlocks(recentBlocksBounds(64, 1_000_000));
    for (let h = 1; h <= 300; h++) small.add(block(h, [100]));
    expect(small.size).toBe(128);
    expect(small.get(300)).toBeDefined();
    expect(small.get(172)).toBeUndefined();
  });
});
