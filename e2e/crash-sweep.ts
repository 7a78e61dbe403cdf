// The crash-point sweep: one manifest per failpoint of the node's commit and persist path
// (runtime/failpoints.ts). Each runs a 4-validator cluster under load, restarts node 1 armed to
// die at the point, starts it again unarmed and checks every invariant: the store recovers (a
// torn tail cut off, a block logged but not indexed re-indexed), no committed block or envelope is
// lost, no vote is signed twice (no evidence against any node) and the chain goes on. The
// platform's point runs once per database back end: the platform following the cluster is
// restarted armed, dies inside a block's transaction, is started again and must store every
// committed upload exactly once (the block it died in too).
import {
  type CommitFailpointName,
  FAILPOINTS,
  PLATFORM_FAILPOINTS,
  type PlatformFailpointName,
} from '../runtime/failpoints.js';
import { type Manifest, parseManifest } from './manifest.js';

/** Every point the sweep runs: the node's commit path, then the platform's. */
export const SWEEP_POINTS = [...FAILPOINTS, ...PLATFORM_FAILPOINTS] as const;
export type SweepPoint = CommitFailpointName | PlatformFailpointName;

/** Small segments for the roll point: a 128 KiB segment fills within seconds at the sweep's rate. */
const ROLL_SEGMENT_BYTES = 128 * 1024;

export interface SweepOptions {
  /** The points to sweep (default: all). */
  points?: readonly SweepPoint[];
  /** Load duration of each run (ms). */
  durationMs?: number;
}

/**
 * The pass at which each point fires: one or two blocks after the armed start. The load must still
 * be running then (an idle chain makes no block and writes no vote): on a loaded machine the clean
 * stop and the armed start take tens of seconds, hence the sweep's long load.
 */
const HIT: Record<SweepPoint, number> = {
  'block-log-after-append': 2,
  'block-log-torn-append': 2,
  'block-log-after-roll': 1,
  'index-after-batch': 2,
  'wal-torn-append': 2,
  'wal-after-sync': 2,
  // The platform's third block after its armed start: it has caught up with the chain by then or
  // is catching up, either way inside a block with uploads.
  'platform-block-tx': 3,
};

export function crashSweepManifests(o: SweepOptions = {}): Manifest[] {
  const durationMs = o.durationMs ?? 60_000;
  return (o.points ?? SWEEP_POINTS).flatMap((point) =>
    (PLATFORM_FAILPOINTS as readonly string[]).includes(point)
      ? (['pglite', 'server'] as const).map((store) => platformManifest(point, store, durationMs))
      : [nodeManifest(point as CommitFailpointName, durationMs)],
  );
}

function nodeManifest(point: CommitFailpointName, durationMs: number): Manifest {
  return parseManifest(
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
  );
}

/** The platform following the cluster dies inside a block's transaction (`store`: its database). */
function platformManifest(point: SweepPoint, store: 'pglite' | 'server', durationMs: number): Manifest {
  return parseManifest(
    {
      name: `crash-${point}${store === 'server' ? '-server' : ''}`,
      validators: 4,
      sites: 2,
      load: { rate: 20, durationMs, batch: 10 },
      perturbations: [
        {
          kind: 'crash-point',
          atMs: 2_000,
          node: 'platform',
          durationMs: 1_000,
          point,
          hit: HIT[point],
          waitMs: 60_000,
        },
      ],
      catchUpMs: 90_000,
      platform: { catchUpMs: 90_000, store },
    },
    `crash sweep ${point} (${store})`,
  );
}
