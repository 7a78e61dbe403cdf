import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { growth, type SoakSample, slope, summarizeSoak } from '../../../devnet/load/soak-summary.js';
import { thin } from '../../../devnet/load/soak-table.js';

const series = (vs: number[]): { t: number; v: number }[] => vs.map((v, t) => ({ t, v }));

describe('slope', () => {
  it('recovers the slope of a line and is 0 for a constant or a single point', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 2, max: 50 }),
        (a, b, n) => {
          const pts = Array.from({ length: n }, (_, t) => ({ t, v: a * t + b }));
          expect(slope(pts)).toBeCloseTo(a, 6);
        },
      ),
    );
    expect(slope(series([5, 5, 5]))).toBe(0);
    expect(slope(series([5]))).toBe(0);
  });
});

describe('growth', () => {
  it('a flat series with GC noise is flat; warm and end are medians, not single samples', () => {
    // 101 samples alternating 100 and 104 around a level; one spike at the very end.
    const vs: number[] = Array.from({ length: 101 }, (_, t) => (t % 2 === 0 ? 100 : 104));
    vs[100] = 200;
    const g = growth(series(vs));
    expect(g.warm).toBeGreaterThanOrEqual(100);
    expect(g.warm).toBeLessThanOrEqual(104);
    expect(g.end).toBeLessThanOrEqual(104);
    expect(g.max).toBe(200);
    expect(g.flat).toBe(true);
  });

  it('a series rising 50% from 10% of the run to its end is not flat, with the change it rose by', () => {
    // 0..100 s: 100 MB until t = 15, then +1 MB per second for 50 s, then flat at 150.
    const vs = Array.from({ length: 101 }, (_, t) => (t <= 15 ? 100 : Math.min(150, 100 + (t - 15))));
    const g = growth(series(vs));
    expect(g.warm).toBe(100);
    expect(g.end).toBe(150);
    expect(g.changePct).toBeCloseTo(50, 6);
    expect(g.slopePerMin).toBeGreaterThan(0);
    expect(g.flat).toBe(false);
  });

  it('the flat verdict is |change| within the limit, for any warm and end levels', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        (a, b) => {
          const vs = Array.from({ length: 40 }, (_, t) => (t < 20 ? a : b));
          const g = growth(series(vs));
          expect(g.warm).toBe(a);
          expect(g.end).toBe(b);
          expect(g.flat).toBe(Math.abs(((b - a) / a) * 100) <= 10);
        },
      ),
    );
  });

  it('an empty series gives NaN figures and is not flat', () => {
    const g = growth([]);
    expect(g.warm).toBeNaN();
    expect(g.flat).toBe(false);
  });
});

describe('summarizeSoak', () => {
  const sample = (t: number, committed: number, rss: number[]): SoakSample => ({
    t,
    committed,
    accepted: committed,
    nodes: rss.map((rssMb) => ({
      rssMb,
      heapUsedMb: 50,
      heapTotalMb: 80,
      externalMb: 5,
      mempool: 0,
      height: 1,
    })),
  });

  it('judges each node on the sending window only, and reads RSS where the milestone committed', () => {
    const samples = [
      sample(-1, 0, [90, 90]),
      ...Array.from({ length: 21 }, (_, k) => sample(k * 5, k * 5000, [120, 120 + k * 5])),
      // The drain after sending: RSS drops, which must not flatter the end.
      sample(110, 100_000, [60, 60]),
    ];
    const s = summarizeSoak(samples, 100, 50_000);
    expect(s).toHaveLength(2);
    expect(s[0]!.rss.flat).toBe(true);
    expect(s[0]!.rss.end).toBe(120);
    expect(s[1]!.rss.end).toBe(217.5); // median of the last 5%: 215 and 220
    expect(s[1]!.rss.flat).toBe(false);
    expect(s[0]!.rssAtMilestoneMb).toBe(120);
    expect(s[1]!.rssAtMilestoneMb).toBe(170);
    expect(summarizeSoak(samples, 100, 10 ** 6)[0]!.rssAtMilestoneMb).toBeUndefined();
  });
});

describe('thin', () => {
  it('keeps the first and last, at most the rows asked for, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 2, max: 20 }),
        (xs, rows) => {
          const sorted = xs.map((_, i) => i);
          const out = thin(sorted, rows);
          expect(out.length).toBeLessThanOrEqual(Math.max(rows, 0));
          expect(out[0]).toBe(0);
          expect(out.at(-1)).toBe(sorted.length - 1);
          for (let k = 1; k < out.length; k++) expect(out[k]!).toBeGreaterThan(out[k - 1]!);
        },
      ),
    );
  });
});
