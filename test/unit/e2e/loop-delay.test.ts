// The runner's event-loop delay figures (e2e/loop-delay.ts): the histogram's nanoseconds in
// milliseconds, nothing sampled reads as zero, and the monitor resets at each take. (That a blocked
// loop shows is read from the e2e runs themselves: inside vitest's worker the histogram was seen not
// to record a 150 ms block that plain node records.)
import { describe, expect, it } from 'vitest';
import { describeLoopDelay, LoopDelayMonitor, loopDelayOf } from '../../../e2e/loop-delay.js';

describe('loopDelayOf', () => {
  it('converts nanoseconds to milliseconds with one decimal', () => {
    const h = {
      count: 10,
      max: 5_234_000_000,
      mean: 21_060_000,
      percentile: (p: number) => (p === 99 ? 1_250_000_000 : 0),
    };
    expect(loopDelayOf(h)).toEqual({ maxMs: 5234, p99Ms: 1250, meanMs: 21.1 });
    expect(describeLoopDelay(loopDelayOf(h))).toBe('loop delay max 5234 ms, p99 1250 ms, mean 21.1 ms');
  });

  it('an empty histogram reads as zero (its max and mean are not numbers to report)', () => {
    const h = { count: 0, max: 0, mean: Number.NaN, percentile: () => 0 };
    expect(loopDelayOf(h)).toEqual({ maxMs: 0, p99Ms: 0, meanMs: 0 });
  });
});

describe('LoopDelayMonitor', () => {
  it('a take right after a take reads nothing sampled: each stage starts from zero', () => {
    const m = new LoopDelayMonitor();
    try {
      m.take();
      expect(m.take()).toEqual({ maxMs: 0, p99Ms: 0, meanMs: 0 });
    } finally {
      m.stop();
    }
  });
});
