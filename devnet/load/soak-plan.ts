// The messages between the soak benchmark (bench/soak.ts) and its load driver
// (soak-driver.ts, a separate process): the plan, progress once a second, the result.
// Unlike the cluster driver, the soak driver generates its envelopes as it goes, so a run of
// 10^6 envelopes holds only one batch per lane in memory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The soak driver's entry point (compiled beside this file), for fork(). */
export const soakDriverEntry = join(dirname(fileURLToPath(import.meta.url)), 'soak-driver.js');

export interface SoakPlan {
  /** RPC addresses (host:port); lanes are spread over them round-robin. */
  rpc: string[];
  chainIdHex: string;
  scpPublicKeyHex: string;
  /** The sites' Ed25519 seeds (hex), in genesis order. */
  siteSeedsHex: string[];
  /** First sequence number of every site (above anything an earlier run on that chain used). */
  firstSeq: number;
  /** Offered envelopes per second, spread evenly over the lanes and over time. */
  perSecond: number;
  /** Sending stops after this long (ms) ... */
  durationMs: number;
  /** ... or once this many envelopes were accepted, whichever comes first. */
  maxEnvelopes: number;
  /** After sending stops, how long to wait for the accepted envelopes to commit (ms). */
  drainMs: number;
  batch: number;
  lanesPerNode: number;
}

/** Counters of a soak driver so far. */
export interface SoakCounts {
  elapsedMs: number;
  sent: number;
  accepted: number;
  /** Envelopes in the blocks node 0 streamed since the run started (every block is the load's). */
  committed: number;
  rejected: number;
  /** Time spent generating (copy + sign) envelopes, ms: the driver's cost, not the node's. */
  generateMs: number;
}

/** The driver's last word: its counts, when sending stopped, the rejections by reason. */
export interface SoakResult extends SoakCounts {
  sendMs: number;
  rejectedByReason: Record<string, number>;
}

export type SoakMessage =
  | { type: 'ready' }
  | ({ type: 'progress' } & SoakCounts)
  | ({ type: 'result' } & SoakResult)
  | { type: 'error'; message: string };
