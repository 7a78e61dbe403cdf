// Height 0 of a store: the genesis contract state, its state root, and the chain ID it belongs to,
// written in one synced batch before any block. Reopening with another genesis is refused.

import { toHex } from '../../crypto/bytes.js';
import type { StateChange } from '../../ledger/execution.js';
import { Bucket, key, MetaKey, metaKey, u64 } from './buckets.js';
import type { Db, DbOp } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';

const hex = toHex;

/**
 * Writes the genesis state into an empty index, or checks that the index belongs to `chainId`.
 * Returns true when it wrote.
 */
export async function ensureGenesis(
  db: Db,
  chainId: Uint8Array,
  changes: StateChange[],
  stateRoot: Uint8Array,
): Promise<boolean> {
  const stored = await db.get(metaKey(MetaKey.ChainId));
  if (stored !== undefined) {
    if (hex(stored) !== hex(chainId))
      throw new StoreError(StoreErrorCode.Inconsistent, 'store belongs to another chain', {
        stored: hex(stored),
        genesis: hex(chainId),
      });
    return false;
  }
  const ops: DbOp[] = changes.map((c) =>
    c.value === undefined
      ? { type: 'del', key: key(Bucket.ContractState, c.key) }
      : { type: 'put', key: key(Bucket.ContractState, c.key), value: c.value },
  );
  ops.push({ type: 'put', key: key(Bucket.StateRoot, u64(0)), value: stateRoot });
  ops.push({ type: 'put', key: metaKey(MetaKey.ChainId), value: chainId });
  await db.batch(ops, { sync: true });
  return true;
}
