// Pruning of block bodies (docs/storage.md, "Retention and pruning"). The unit is a whole block-log
// segment: one step deletes the oldest segment when every block in it lies below the retain
// height, with its BlockLocation entries. Headers, certificates, leaves, chunk levels, receipts,
// Trace entries, state roots and the block-hash log stay, so every block's existence, hash and
// envelopes' inclusion remain provable.
//
// Crash safety: a step is three writes, each safe to stop after.
//   1. Meta `prunedBelow` = first height of the next segment, in a synced batch. From here on every
//      read of a lower body answers PRUNED, whatever is still on disk. The sync also makes every
//      earlier (unsynced) commit batch durable, so the indexed tip never falls back into a pruned
//      segment.
//   2. BlockLocation entries below it deleted, in bounded batches.
//   3. The segment file unlinked and the folder fsynced.
// `finishPruning` (run at open and before each step) redoes 2 and 3 for whatever a crash left.
import type { BlockLog } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, readU64, u64 } from './buckets.js';
import type { Db, DbOp } from './db.js';

/** Index deletions per batch: keeps one step's LevelDB write (and its pause) small. */
export const PRUNE_BATCH_KEYS = 4096;

/** Points a test can fail at to simulate a crash between the steps of a prune. */
export type PruneFailpoint = 'afterMark' | 'afterIndex';

export interface PruneStepResult {
  /** The segment deleted, undefined when nothing could be pruned. */
  segment?: number;
  /** Bodies below this height are gone (1 when nothing was ever pruned). */
  earliest: number;
  /** Heights whose bodies this step deleted. */
  blocks: number;
  /** Bytes of segment files removed. */
  bytes: number;
}

export interface PruneTarget {
  readonly db: Db;
  readonly log: BlockLog;
  tipHeight(): number;
  earliestHeight(): number;
  notePruned(below: number): void;
}

export async function readPrunedBelow(db: Db): Promise<number> {
  const v = await db.get(metaKey(MetaKey.PrunedBelow));
  return v === undefined ? 1 : readU64(v);
}

/**
 * Deletes the oldest segment if all its blocks lie below `retainHeight` (never the last segment,
 * the one being appended to). One call is one bounded step; the caller loops.
 */
export async function pruneStep(
  t: PruneTarget,
  retainHeight: number,
  fail?: (at: PruneFailpoint) => void,
): Promise<PruneStepResult> {
  await finishPruning(t);
  const earliest = t.earliestHeight();
  const segs = t.log.segments();
  const first = segs[0];
  const next = segs[1];
  const none = { earliest, blocks: 0, bytes: 0 };
  if (first === undefined || next === undefined) return none;
  const nextHeight = t.log.firstHeight(next);
  // A torn first frame of the next segment (a crash mid-append) is above the tip: not a boundary.
  if (nextHeight === undefined || nextHeight > retainHeight || nextHeight > t.tipHeight()) return none;
  const bytes = t.log.segmentBytesOnDisk(first);
  const from = t.log.firstHeight(first) ?? earliest;
  if (nextHeight > earliest) {
    await t.db.batch([{ type: 'put', key: metaKey(MetaKey.PrunedBelow), value: u64(nextHeight) }], {
      sync: true,
    });
    t.notePruned(nextHeight);
  }
  fail?.('afterMark');
  await deleteLocations(t.db, nextHeight);
  fail?.('afterIndex');
  await t.log.deleteSegment(first);
  return { segment: first, earliest: nextHeight, blocks: Math.max(0, nextHeight - from), bytes };
}

/** Completes a prune a crash interrupted: index entries and segments below `prunedBelow`. */
export async function finishPruning(t: PruneTarget): Promise<void> {
  const below = t.earliestHeight();
  if (below <= 1) return;
  await deleteLocations(t.db, below);
  for (;;) {
    const [first, next] = t.log.segments();
    if (first === undefined || next === undefined) return;
    const h = t.log.firstHeight(next);
    if (h === undefined || h > below) return;
    await t.log.deleteSegment(first);
  }
}

async function deleteLocations(db: Db, below: number): Promise<void> {
  const range = { gte: key(Bucket.BlockLocation, u64(0)), lt: key(Bucket.BlockLocation, u64(below)) };
  for (;;) {
    const ops: DbOp[] = [];
    for await (const [k] of db.iterate({ ...range, limit: PRUNE_BATCH_KEYS }))
      ops.push({ type: 'del', key: k.slice() });
    if (ops.length === 0) return;
    await db.batch(ops);
  }
}

/**
 * Holds pruning off while a copy of the block log must match an index snapshot (a live backup):
 * a hold waits for the step in flight, and while any hold is taken a step does nothing.
 */
export class PruneGate {
  private holds = 0;
  private inFlight: Promise<unknown> = Promise.resolve();

  run(step: () => Promise<PruneStepResult>, idle: { earliest: number }): Promise<PruneStepResult> {
    if (this.holds > 0) return Promise.resolve({ earliest: idle.earliest, blocks: 0, bytes: 0 });
    const p = step();
    this.inFlight = p.catch(() => undefined);
    return p;
  }

  async hold(): Promise<() => void> {
    this.holds++;
    await this.inFlight;
    let released = false;
    return () => {
      if (!released) this.holds--;
      released = true;
    };
  }
}
