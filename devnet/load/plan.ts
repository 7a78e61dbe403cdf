// The messages between the cluster benchmark and its load driver (a separate process, so that the
// client's CPU is not the node's): the plan the driver runs, its progress lines and its result.

/** How the driver offers load. */
export type LoadMode =
  /** As fast as the nodes take it, with at most `maxPending` uploaded-but-uncommitted envelopes. */
  | { kind: 'open'; maxPending: number }
  /** A fixed offered rate (envelopes/s), spread evenly over time. */
  | { kind: 'rate'; perSecond: number };

export interface DriverPlan {
  /** RPC addresses (host:port); lanes are spread over them round-robin. */
  rpc: string[];
  chainIdHex: string;
  scpPublicKeyHex: string;
  /** The sites' Ed25519 seeds (hex), in genesis order (site i has address 10.0.x.y of i). */
  siteSeedsHex: string[];
  /** Envelopes pre-generated per site (before the timed window). */
  perSite: number;
  /** First sequence number of every site (above anything an earlier run on that chain used). */
  firstSeq: number;
  mode: LoadMode;
  durationMs: number;
  /** Commits before this offset are not counted in the rate (the pipeline fills). */
  warmupMs: number;
  /** After sending stops, how long to wait for the last accepted envelopes to commit. */
  drainMs: number;
  batch: number;
  lanesPerNode: number;
}

/** Rejections by reason: the server's reason code, or rpc:<code> when a whole call failed. */
export type ReasonCounts = Record<string, number>;

export interface DriverProgress {
  type: 'progress';
  elapsedMs: number;
  sent: number;
  accepted: number;
  committed: number;
  rejected: number;
}

export interface DriverResult {
  type: 'result';
  generated: number;
  generateMs: number;
  sent: number;
  accepted: number;
  committed: number;
  /** Committed envelopes per second inside the measured window. */
  committedPerSecond: number;
  /** Offered envelopes per second (accepted or not) inside the window. */
  offeredPerSecond: number;
  windowMs: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; samples: number };
  rejected: ReasonCounts;
  blocks: number;
  /** Accepted envelopes that had not committed when the drain time ran out. */
  uncommitted: number;
}

export type DriverMessage =
  | { type: 'ready'; generated: number; generateMs: number }
  | DriverProgress
  | DriverResult
  | { type: 'error'; message: string };

/** Sent by the benchmark: start the timed window now (after it sampled the nodes' counters). */
export interface GoMessage {
  type: 'go';
}

/** The q-quantile (0..1) of ascending values by nearest rank; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
