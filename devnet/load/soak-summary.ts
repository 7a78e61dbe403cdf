// Whether a quantity sampled over a soak run stayed flat: its warmed-up level (median of the
// samples between 10% and 15% of the run: one sample would catch a GC sawtooth at its top or
// bottom), its level at the end (median of the last 5%), the change between them, the maximum,
// and the least-squares slope after warm-up (a slow leak shows there before it shows in the ends).
import type { NodeMemory } from './soak-sample.js';

export interface Point {
  /** Seconds since the run started. */
  t: number;
  v: number;
}

export interface Growth {
  warm: number;
  end: number;
  max: number;
  /** (end - warm) / warm × 100. */
  changePct: number;
  /** Change per minute after warm-up (least squares over t ≥ 10% of the run). */
  slopePerMin: number;
  /** |changePct| within the limit. */
  flat: boolean;
}

/** The memory goal: RSS within 10% across the run. */
export const FLAT_LIMIT_PCT = 10;

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Values of the points with from ≤ t ≤ to; the nearest point to `from` when none falls inside. */
function within(points: readonly Point[], from: number, to: number): number[] {
  const inside = points.filter((p) => p.t >= from && p.t <= to).map((p) => p.v);
  if (inside.length > 0) return inside;
  let best = points[0]!;
  for (const p of points) if (Math.abs(p.t - from) < Math.abs(best.t - from)) best = p;
  return [best.v];
}

/** Least-squares slope of v over t (per second); 0 for fewer than two distinct times. */
export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mv = points.reduce((a, p) => a + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The growth of one series (points in time order); NaN figures for an empty series. */
export function growth(points: readonly Point[], limitPct = FLAT_LIMIT_PCT): Growth {
  if (points.length === 0)
    return {
      warm: Number.NaN,
      end: Number.NaN,
      max: Number.NaN,
      changePct: Number.NaN,
      slopePerMin: 0,
      flat: false,
    };
  const t0 = points[0]!.t;
  const span = points.at(-1)!.t - t0;
  const warm = median(within(points, t0 + 0.1 * span, t0 + 0.15 * span));
  const end = median(within(points, t0 + 0.95 * span, t0 + span));
  const changePct = ((end - warm) / warm) * 100;
  return {
    warm,
    end,
    max: Math.max(...points.map((p) => p.v)),
    changePct,
    slopePerMin: slope(points.filter((p) => p.t >= t0 + 0.1 * span)) * 60,
    flat: Math.abs(changePct) <= limitPct,
  };
}

/** The figures: RSS ≤ 300 MB at 10^6 envelopes. */
export const MILESTONE = 1_000_000;
export const RSS_CAP_MB = 300;

export interface SoakSample {
  /** Seconds since the timed run started (negative: the baseline before it). */
  t: number;
  committed: number;
  accepted: number;
  nodes: NodeMemory[];
}

export interface NodeSoakSummary {
  node: number;
  rss: Growth;
  heapUsed: Growth;
  /** RSS at the first sample where `milestone` envelopes had committed (undefined: not reached). */
  rssAtMilestoneMb?: number;
}

/**
 * Per node: growth of RSS and heap over the samples taken while the driver was sending (the drain
 * after it empties the mempool, which would flatter the end), RSS when `milestone` had committed.
 */
export function summarizeSoak(
  samples: readonly SoakSample[],
  sendEndS: number,
  milestone = MILESTONE,
): NodeSoakSummary[] {
  const timed = samples.filter((s) => s.t >= 0 && s.t <= sendEndS);
  const nodes = timed[0]?.nodes.length ?? 0;
  const at = samples.find((s) => s.t >= 0 && s.committed >= milestone);
  return Array.from({ length: nodes }, (_, i) => ({
    node: i,
    rss: growth(timed.map((s) => ({ t: s.t, v: s.nodes[i]!.rssMb }))),
    heapUsed: growth(timed.map((s) => ({ t: s.t, v: s.nodes[i]!.heapUsedMb }))),
    rssAtMilestoneMb: at === undefined ? undefined : at.nodes[i]!.rssMb,
  }));
}
