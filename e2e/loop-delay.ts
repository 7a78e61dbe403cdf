// The runner's own event-loop delay, per stage: every fault proxy used to share the runner's loop,
// and a loop that is not scheduled for seconds (load generation, chains and traces verified in the
// check) shows here as a long delay. Read with perf_hooks' histogram, reset at each stage.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopDelay {
  /** Longest delay of the loop seen in the stage (ms). */
  maxMs: number;
  /** 99th percentile of the loop's delay in the stage (ms). */
  p99Ms: number;
  /** Mean delay (ms). */
  meanMs: number;
}

/** Nanoseconds from the histogram to milliseconds, one decimal. */
export function loopDelayOf(h: Pick<IntervalHistogram, 'max' | 'mean' | 'percentile' | 'count'>): LoopDelay {
  if (h.count === 0) return { maxMs: 0, p99Ms: 0, meanMs: 0 };
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return { maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), meanMs: ms(h.mean) };
}

export function describeLoopDelay(d: LoopDelay): string {
  return `loop delay max ${d.maxMs} ms, p99 ${d.p99Ms} ms, mean ${d.meanMs} ms`;
}

/** Samples the loop every 20 ms; `take` returns the figures since the last take and resets. */
export class LoopDelayMonitor {
  private readonly h = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.h.enable();
  }

  take(): LoopDelay {
    const d = loopDelayOf(this.h);
    this.h.reset();
    return d;
  }

  stop(): void {
    this.h.disable();
  }
}
