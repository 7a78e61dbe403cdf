// The chain parameter snapshotInterval: every node snapshots the contract state after each block
// whose height is a multiple of it (docs/storage.md, Snapshots). Set in the genesis, changed by
// setParams (layout 3) at an activation height, so every node switches at the same block.

/** A snapshot after every block is allowed (small test chains use it); the cost is one state copy per block. */
export const MIN_SNAPSHOT_INTERVAL = 1;
/**
 * Above a million blocks a chain would go months without a snapshot to join from: state sync
 * would have none to offer and every joiner would replay.
 */
export const MAX_SNAPSHOT_INTERVAL = 1_000_000;

/** Absent (the value in force is kept) or an integer in range. */
export function validSnapshotInterval(n: number | undefined): boolean {
  return (
    n === undefined || (Number.isSafeInteger(n) && n >= MIN_SNAPSHOT_INTERVAL && n <= MAX_SNAPSHOT_INTERVAL)
  );
}
