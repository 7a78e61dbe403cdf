// The crash-point sweep: one manifest per failpoint of the node's commit and persist path
// (runtime/failpoints.ts). Each runs a 4-validator cluster under load, restarts node 1 armed to
// die at the point, starts it again unarmed and checks every invariant: the store recovers (a
// torn tail cut off, a block logged but not indexed re-indexed), no committed block or envelope is
// lost, no vote is signed twice (no evidence against any node) and the chain goes on.
import { type CommitFailpointName, FAILPOINTS } from '../runtime/failpoints.js';
import { type Manifest, parseManifest } from './manifest.js';

/** Small segments for the roll point: a 128 KiB segment fills within seconds at the sweep's rate. */
const ROLL_SEGMENT_BYTES = 128 * 1024;

export interface SweepOptions {
  /** The points to sweep (default: all). */
  points?: readonly CommitFailpointName[];
  /** Load duration of each run (ms). */
  durationMs?: number;
}

/**
 * The pass at which each point fires: one or two blocks after the armed start. The load must still
 * be running then (an idle chain makes no block and writes no vote): on a loaded machine the clean
 * stop and the armed start take tens of seconds, hence the sweep's long load.
 */
const HIT: Record<CommitFailpointName, number> = {
  'block-log-after-append': 2,
  'block-log-torn-append': 2,
  'block-log-after-roll': 1,
  'index-after-batch': 2,
  'wal-torn-append': 2,
  'wal-after-sync': 2,
};

export function crashSweepManifests(o: SweepOptions = {}): Manifest[] {
  const durationMs = o.durationMs ?? 60_000;
  return (o.points ?? FAILPOINTS).map((point) =>
    parseManifest(
      {
        name: `crash-${point}`,
        validators: 4,
        sites: 2,
        // Blocks well under a roll segment, so that no block is too large for one.
        chain: { maxBlockEnvelopes: 100 },
        load: { rate: 20, durationMs, batch: 10 },
        perturbations: [
          {
            kind: 'crash-point',
            atMs: 2_000,
            node: 1,
            durationMs: 1_000,
            point,
            hit: HIT[point],
            waitMs: 60_000,
            ...(point === 'block-log-after-roll' ? { segmentBytes: ROLL_SEGMENT_BYTES } : {}),
          },
        ],
        catchUpMs: 90_000,
      },
      `crash sweep ${point}`,
    ),
  );
}
