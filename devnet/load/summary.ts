// The driver's figures for one run: committed and offered rates inside the measured window
// (after warm-up, until sending stopped), upload->commit latency percentiles of the envelopes sent
// in that window, and the rejections by reason.
import type { CommitTracker } from './commits.js';
import { type DriverPlan, type DriverResult, quantile } from './plan.js';
import type { SendState } from './sender.js';

type Summary = Omit<DriverResult, 'generated' | 'generateMs'>;

export function summarize(
  plan: DriverPlan,
  s: SendState,
  t: Pick<CommitTracker, 'commitAt' | 'committed' | 'blocks'>,
  windowEnd: number,
): Summary {
  // A run shorter than its warm-up is measured whole rather than not at all.
  const from = windowEnd > plan.warmupMs ? plan.warmupMs : 0;
  const windowMs = Math.max(1, windowEnd - from);
  const inWindow = (x: number): boolean => x >= from && x <= windowEnd;
  let committedIn = 0;
  let offeredIn = 0;
  const latencies: number[] = [];
  for (let i = 0; i < s.sentAt.length; i++) {
    const sent = s.sentAt[i]!;
    const committed = t.commitAt[i]!;
    if (inWindow(committed)) committedIn++;
    if (!inWindow(sent)) continue;
    offeredIn++;
    if (!Number.isNaN(committed)) latencies.push(committed - sent);
  }
  latencies.sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    type: 'result',
    sent: s.sent,
    accepted: s.accepted,
    committed: t.committed,
    committedPerSecond: round((committedIn * 1000) / windowMs),
    offeredPerSecond: round((offeredIn * 1000) / windowMs),
    windowMs: Math.round(windowMs),
    latencyMs: {
      p50: round(quantile(latencies, 0.5)),
      p95: round(quantile(latencies, 0.95)),
      p99: round(quantile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? Number.NaN),
      samples: latencies.length,
    },
    rejected: s.rejected,
    blocks: t.blocks,
    uncommitted: Math.max(0, s.accepted - t.committed),
  };
}
