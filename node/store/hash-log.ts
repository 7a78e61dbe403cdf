// The block-hash log on disk (crypto/hash-log.ts, docs/storage.md HashLog): for each leaf j (the
// hash of block j, leaf 0 the genesis hash), the hashes of the perfect subtrees leaf j completes,
// written in the block's own atomic index batch. From them the frontier is rebuilt at open with
// O(log n) reads (so a restart reproduces exactly the same roots), and any root or proof at any
// earlier size is read with O(log^2 n) subtrees in one batched read.
import type { Hash32 } from '../../codec/types.js';
import {
  frontierSubtrees,
  LogFrontier,
  logConsistencyProof,
  logInclusionProof,
  type Subtree,
  withSubtrees,
} from '../../crypto/hash-log.js';
import type { ConsistencyProof, InclusionProof } from '../../crypto/merkle.js';
import { Bucket, key, u64 } from './buckets.js';
import type { Db, DbOp } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';

function concat(hashes: readonly Hash32[]): Uint8Array {
  const out = new Uint8Array(32 * hashes.length);
  hashes.forEach((h, i) => {
    out.set(h, 32 * i);
  });
  return out;
}

/**
 * The index ops that append block `height` (its parent's hash and its own) to the log, and the
 * frontier after them. Block 1 also appends leaf 0, its parent hash: the genesis hash.
 */
export function hashLogOps(
  frontier: LogFrontier,
  height: number,
  parentHash: Uint8Array,
  blockHash: Uint8Array,
): { ops: DbOp[]; next: LogFrontier } {
  const next = frontier.clone();
  const ops: DbOp[] = [];
  if (height === 1 && next.size === 0)
    ops.push({ type: 'put', key: key(Bucket.HashLog, u64(0)), value: concat(next.append(parentHash)) });
  if (next.size !== height)
    throw new StoreError(StoreErrorCode.Inconsistent, 'block-hash log out of step with the blocks', {
      height,
      logSize: next.size,
    });
  ops.push({ type: 'put', key: key(Bucket.HashLog, u64(height)), value: concat(next.append(blockHash)) });
  return { ops, next };
}

/** Reads perfect subtree hashes from the HashLog bucket, in the order asked. */
export async function readSubtrees(db: Db, subtrees: readonly Subtree[]): Promise<Hash32[]> {
  const keys = subtrees.map((s) => key(Bucket.HashLog, u64((s.index + 1) * 2 ** s.level - 1)));
  const values = await db.getMany(keys);
  return subtrees.map((s, i) => {
    const v = values[i];
    if (v === undefined || v.length < 32 * (s.level + 1))
      throw new StoreError(StoreErrorCode.Inconsistent, 'block-hash log subtree missing', {
        level: s.level,
        index: s.index,
      });
    return v.subarray(32 * s.level, 32 * s.level + 32);
  });
}

/** The frontier of the log of `size` leaves, read back from the index (open after a restart). */
export async function loadFrontier(db: Db, size: number): Promise<LogFrontier> {
  if (size === 0) return LogFrontier.empty();
  return LogFrontier.of(size, await readSubtrees(db, frontierSubtrees(size)));
}

export function readInclusionProof(db: Db, index: number, size: number): Promise<InclusionProof> {
  return withSubtrees(
    (src) => logInclusionProof(index, size, src),
    (list) => readSubtrees(db, list),
  );
}

export function readConsistencyProof(db: Db, first: number, second: number): Promise<ConsistencyProof> {
  return withSubtrees(
    (src) => logConsistencyProof(first, second, src),
    (list) => readSubtrees(db, list),
  );
}
