// Installing a verified snapshot as the store's base (docs/storage.md, "Joining by state sync"):
// an empty store becomes a store whose first block is base + 1. It holds the contract state after
// block `base`, header and certificate `base`, the block-hash log's frontier over blocks 0..base
// (so the next header's log root can be checked and extended), the verified proofs of the
// validator-set changes up to the base (each with its own header and certificate, bucket
// ValidatorChange), and no earlier body, header or index entry. Everything is written in ONE synced batch with the Tip last in meaning: a crash
// leaves either the untouched (genesis-only) store, from which state sync starts again, or the
// whole base.
import { encodeParts } from '../../codec/snapshot-messages.js';
import type { Hash32 } from '../../codec/types.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { frontierSubtrees, LogFrontier } from '../../crypto/hash-log.js';
import { Bucket, key, MetaKey, metaKey, prefixEnd, readU64, u64 } from './buckets.js';
import type { Db, DbOp } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { headerHash } from './facts.js';

export interface BaseInstall {
  /** Height of the snapshot: the last block whose effects the state holds. */
  height: number;
  /** Encoded header and commit certificate of block `height` (the new tip). */
  header: Uint8Array;
  certificate: Uint8Array;
  /** State root after block `height` (the manifest's, checked against the certifying header). */
  stateRoot: Hash32;
  /** The contract state after block `height`, every entry. */
  entries: readonly (readonly [string, Uint8Array])[];
  /** Perfect-subtree hashes of the block-hash log over blocks 0..height, largest first. */
  hashLogFrontier: readonly Hash32[];
  /** The block-hash log root over blocks 0..height: header height + 1's hashLogRoot. */
  hashLogRoot: Hash32;
  /** Verified proofs of the validator-set changes activating at or below height + 1. */
  validatorChanges?: readonly InstalledValidatorChange[];
}

/** A change proof as served by GetState `activation`: the schedule's bucket against header activation - 1. */
export interface InstalledValidatorChange {
  activation: number;
  header: Uint8Array;
  certificate: Uint8Array;
  bucket: Uint8Array;
}

const enc = new TextEncoder();

/** Base height of a store installed from a snapshot; 0 for a store that started at genesis. */
export async function readBase(db: Db): Promise<number> {
  const v = await db.get(metaKey(MetaKey.Base));
  return v === undefined ? 0 : readU64(v);
}

/**
 * Writes the base into an empty store (no block committed, none in the log). Refuses a store that
 * already holds blocks or a base: state is never installed over a chain.
 */
export async function installBase(db: Db, logIsEmpty: boolean, b: BaseInstall): Promise<void> {
  if (!Number.isSafeInteger(b.height) || b.height < 1)
    throw new StoreError(StoreErrorCode.BadQuery, 'a base height must be at least 1', { height: b.height });
  if ((await db.get(metaKey(MetaKey.Tip))) !== undefined || !logIsEmpty)
    throw new StoreError(StoreErrorCode.Inconsistent, 'state can only be installed into an empty store', {
      height: b.height,
    });
  const subtrees = frontierSubtrees(b.height + 1);
  if (subtrees.length !== b.hashLogFrontier.length)
    throw new StoreError(StoreErrorCode.Inconsistent, 'block-hash log frontier of the wrong shape', {
      expected: subtrees.length,
      got: b.hashLogFrontier.length,
    });
  const frontier = LogFrontier.of(b.height + 1, b.hashLogFrontier);
  if (!bytesEqual(frontier.root(), b.hashLogRoot))
    throw new StoreError(StoreErrorCode.Inconsistent, 'block-hash log frontier does not lead to the root', {
      height: b.height,
    });
  const ops: DbOp[] = [];
  // The genesis state ensureGenesis wrote goes: the snapshot's state replaces it whole.
  const cs = key(Bucket.ContractState);
  for await (const [k] of db.iterate({ gte: cs, lt: prefixEnd(cs) })) ops.push({ type: 'del', key: k });
  for (const [k, v] of b.entries)
    ops.push({ type: 'put', key: key(Bucket.ContractState, enc.encode(k)), value: v });
  const h = u64(b.height);
  ops.push({ type: 'put', key: key(Bucket.Header, h), value: b.header });
  ops.push({ type: 'put', key: key(Bucket.Certificate, h), value: b.certificate });
  ops.push({ type: 'put', key: key(Bucket.BlockHash, headerHash(b.header)), value: h });
  ops.push({ type: 'put', key: key(Bucket.StateRoot, h), value: b.stateRoot });
  // Each frontier subtree is stored where loadFrontier reads it: under the last leaf it covers, at
  // offset 32 x level. The lower levels of that value are unknown here and left zero; the store
  // refuses proofs that would read them (leaves and sizes at or below the base).
  subtrees.forEach((s, i) => {
    const value = new Uint8Array(32 * (s.level + 1));
    value.set(b.hashLogFrontier[i] as Hash32, 32 * s.level);
    ops.push({ type: 'put', key: key(Bucket.HashLog, u64((s.index + 1) * 2 ** s.level - 1)), value });
  });
  for (const c of b.validatorChanges ?? [])
    ops.push({
      type: 'put',
      key: key(Bucket.ValidatorChange, u64(c.activation)),
      value: encodeParts([c.header, c.certificate, c.bucket]),
    });
  ops.push({ type: 'put', key: metaKey(MetaKey.PrunedBelow), value: u64(b.height + 1) });
  ops.push({ type: 'put', key: metaKey(MetaKey.Base), value: h });
  ops.push({ type: 'put', key: metaKey(MetaKey.Tip), value: h });
  await db.batch(ops, { sync: true });
}
