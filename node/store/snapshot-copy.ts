// A copy of a RUNNING store as it stood at one height, without stopping its commits: the index is
// read through one LevelDB iterator (classic-level reads an iterator from an implicit snapshot taken
// when it is created, so every entry comes from one sequence number, and each commit's batch is
// atomic: all of a block's entries or none) and written into a new LevelDB in bounded batches; the
// block log, append-only, is copied up to the end of the snapshot's tip frame. Pruning is held off
// from before the snapshot until the segments are copied, so the files the snapshot's index points
// into stay on disk. Blocks the node commits meanwhile are left out: the copy is the chain at the
// snapshot's tip exactly, which the node opened on it then catches up from.
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { segmentFileName } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, readU64, u64 } from './buckets.js';
import type { DbOp } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { checksumMatches, FRAME_HEADER_BYTES, parseFrameHeader } from './frame.js';
import { LevelDb } from './level-db.js';
import { readPrunedBelow } from './prune.js';
import type { Store } from './store.js';
import { decodeLocation } from './values.js';

/** Index entries per batch written into the copy, and bytes: each batch is one short native write. */
export const SNAPSHOT_BATCH_ENTRIES = 2048;
const SNAPSHOT_BATCH_BYTES = 4 * 1024 * 1024;

export interface SnapshotCopyProgress {
  phase: 'index' | 'blocks';
  /** Index entries, or block-log bytes, copied so far. */
  done: number;
  /** Block-log bytes to copy; undefined for the index (its size is not known before the end). */
  total?: number;
}

export interface SnapshotCopy {
  chainId: string;
  tip: number;
  earliestHeight: number;
  indexEntries: number;
  blockBytes: number;
}

/**
 * Writes `<target>/index` and `<target>/blocks` (the folder must not hold them) from `store` at one
 * height. The store stays open and committing; `onProgress` is called after each batch and segment.
 */
export async function copyStoreSnapshot(
  store: Store,
  dataDir: string,
  target: string,
  onProgress?: (p: SnapshotCopyProgress) => void,
): Promise<SnapshotCopy> {
  const release = await store.holdPruning();
  try {
    const indexEntries = await copyIndex(store, join(target, 'index'), onProgress);
    const copy = await LevelDb.open(join(target, 'index'));
    let meta: { chainId: string; tip: number; earliestHeight: number; loc: Uint8Array | undefined };
    try {
      const [chainId, t] = await copy.getMany([metaKey(MetaKey.ChainId), metaKey(MetaKey.Tip)]);
      const tip = t === undefined ? 0 : readU64(t);
      meta = {
        chainId: chainId === undefined ? '' : Buffer.from(chainId).toString('hex'),
        tip,
        earliestHeight: await readPrunedBelow(copy),
        loc: await copy.get(key(Bucket.BlockLocation, u64(tip))),
      };
    } finally {
      await copy.close();
    }
    if (meta.chainId === '' || meta.tip === 0)
      throw new StoreError(StoreErrorCode.NotFound, 'the store holds no block yet: nothing to back up');
    const blockBytes = await copyLogPrefix(store, dataDir, target, meta.tip, meta.loc, onProgress);
    return {
      chainId: meta.chainId,
      tip: meta.tip,
      earliestHeight: meta.earliestHeight,
      indexEntries,
      blockBytes,
    };
  } finally {
    release();
  }
}

async function copyIndex(
  store: Store,
  dir: string,
  onProgress?: (p: SnapshotCopyProgress) => void,
): Promise<number> {
  const out = await LevelDb.open(dir);
  let n = 0;
  try {
    let ops: DbOp[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (ops.length === 0) return;
      await out.batch(ops);
      n += ops.length;
      ops = [];
      bytes = 0;
      onProgress?.({ phase: 'index', done: n });
    };
    // One iterator over the whole key space: one snapshot (see the head of this file).
    for await (const [k, v] of store.db.iterate({})) {
      ops.push({ type: 'put', key: k, value: v });
      bytes += k.length + v.length;
      if (ops.length >= SNAPSHOT_BATCH_ENTRIES || bytes >= SNAPSHOT_BATCH_BYTES) await flush();
    }
    await flush();
  } finally {
    await out.close();
  }
  return n;
}

/** Whole segments below the tip's, the tip's up to the end of its frame; checked at the tip frame. */
async function copyLogPrefix(
  store: Store,
  dataDir: string,
  target: string,
  tip: number,
  loc: Uint8Array | undefined,
  onProgress?: (p: SnapshotCopyProgress) => void,
): Promise<number> {
  const blocks = join(target, 'blocks');
  mkdirSync(blocks, { recursive: true, mode: 0o700 });
  // A store installed from a snapshot whose tip is its base holds no body yet.
  if (loc === undefined) return 0;
  const at = decodeLocation(loc);
  const end = at.offset + at.length;
  const plan = store.log
    .segments()
    .filter((s) => s <= at.segment)
    .map((s) => ({ s, bytes: s === at.segment ? end : store.log.segmentBytesOnDisk(s) }));
  const total = plan.reduce((n, p) => n + p.bytes, 0);
  let done = 0;
  for (const { s, bytes } of plan) {
    if (bytes > 0)
      await pipeline(
        createReadStream(join(dataDir, 'blocks', segmentFileName(s)), { start: 0, end: bytes - 1 }),
        createWriteStream(join(blocks, segmentFileName(s)), { mode: 0o600 }),
      );
    done += bytes;
    onProgress?.({ phase: 'blocks', done, total });
  }
  checkTipFrame(join(blocks, segmentFileName(at.segment)), at.offset, at.length, tip);
  return total;
}

function checkTipFrame(file: string, offset: number, length: number, tip: number): void {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(FRAME_HEADER_BYTES);
    readSync(fd, head, 0, FRAME_HEADER_BYTES, offset - FRAME_HEADER_BYTES);
    const payload = new Uint8Array(length);
    readSync(fd, payload, 0, length, offset);
    const h = parseFrameHeader(head);
    if (h === undefined || h.height !== tip || h.length !== length || !checksumMatches(h, payload))
      throw new StoreError(StoreErrorCode.Corrupt, 'the copied block log does not end with the tip block', {
        tip,
      });
  } finally {
    closeSync(fd);
  }
}
