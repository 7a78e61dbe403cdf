import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DriverPlan, quantile } from '../../../devnet/load/plan.js';
import { newSendState } from '../../../devnet/load/sender.js';
import { summarize } from '../../../devnet/load/summary.js';

describe('quantile', () => {
  it('is an element of the data and grows with q', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const v = quantile(sorted, q);
          expect(sorted).toContain(v);
          expect(quantile(sorted, Math.min(1, q + 0.1))).toBeGreaterThanOrEqual(v);
        },
      ),
    );
  });

  it('is NaN for no data and picks by nearest rank', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});

describe('summarize', () => {
  const plan = { warmupMs: 1000 } as DriverPlan;

  it('counts commits and offers inside the window and measures latency of envelopes sent in it', () => {
    const s = newSendState(4);
    s.sent = 4;
    s.accepted = 4;
    s.sentAt.set([500, 1200, 1500, 2500]);
    // Envelope 0 was sent in warm-up but commits in the window; 3 never commits.
    const commitAt = Float64Array.from([1100, 1400, 2000, Number.NaN]);
    const r = summarize(plan, s, { commitAt, committed: 3, blocks: 2 }, 3000);
    expect(r.windowMs).toBe(2000);
    expect(r.committedPerSecond).toBe(1.5);
    expect(r.offeredPerSecond).toBe(1.5);
    expect(r.latencyMs.samples).toBe(2);
    expect(r.latencyMs.p50).toBe(200);
    expect(r.latencyMs.max).toBe(500);
    expect(r.uncommitted).toBe(1);
  });

  it('measures a run shorter than its warm-up whole', () => {
    const s = newSendState(1);
    s.sentAt[0] = 100;
    const r = summarize(plan, s, { commitAt: Float64Array.from([300]), committed: 1, blocks: 1 }, 500);
    expect(r.windowMs).toBe(500);
    expect(r.committedPerSecond).toBe(2);
  });
});
