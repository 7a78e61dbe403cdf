// Takes a snapshot after every block whose height is a multiple of the chain's snapshotInterval
// (in force at that height). The state is captured synchronously in the commit listener, where it
// is exactly the state after the block (the driver applies blocks one at a time and calls its
// listeners before the next commit starts); building and writing run afterwards, one at a time.
// At most one capture waits behind the write in progress: a newer one replaces it, since only the
// newest snapshots are kept anyway. The built root must equal the root the store recorded for the
// height, else nothing is written (the in-memory state and the store disagree: a bug to report).
import type { Hash32 } from '../../codec/types.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { buildSnapshot } from '../../ledger/snapshot.js';
import type { Logger } from '../../runtime/log.js';
import type { SnapshotFiles, SnapshotInfo } from './snapshot-files.js';

/** Blocks between two snapshots when the chain parameters do not say. */
export const DEFAULT_SNAPSHOT_INTERVAL = 1000;

export interface SnapshotterDeps {
  files: SnapshotFiles;
  chainId: Hash32;
  /** snapshotInterval in force at a height (ChainParamsView.at(h).snapshotInterval). */
  intervalAt: (height: number) => number | undefined;
  /** The whole contract state now (ContractState.entries). */
  entries: () => [string, Uint8Array][];
  /** The state root the store recorded after block `height`. */
  storedRoot: (height: number) => Promise<Uint8Array | undefined>;
  log: Logger;
  /** Called with each snapshot written (metrics, the comparison across nodes). */
  onWritten?: (info: SnapshotInfo) => void;
  /**
   * TEST ONLY (the test kit's `divergent-snapshot` mode): the entries written instead of the
   * state's, once its root has been checked: a node whose snapshots diverge from its peers'.
   */
  falsify?: (entries: [string, Uint8Array][]) => [string, Uint8Array][];
}

interface Capture {
  height: number;
  blockHash: Hash32;
  entries: [string, Uint8Array][];
}

export class Snapshotter {
  private pending: Capture | undefined;
  private running: Promise<void> | undefined;
  /** Snapshots written and skipped since start (metrics). */
  readonly counts = { written: 0, failed: 0 };

  constructor(private readonly d: SnapshotterDeps) {}

  /** Whether a snapshot is due after block `height`. */
  due(height: number): boolean {
    const k = this.d.intervalAt(height) ?? DEFAULT_SNAPSHOT_INTERVAL;
    return height > 0 && height % k === 0;
  }

  /** The commit listener: captures the state when a snapshot is due. */
  committed(height: number, blockHash: Hash32): void {
    if (!this.due(height)) return;
    this.capture(height, blockHash);
  }

  /** Captures the state now (the state after block `height`) and writes its snapshot. */
  capture(height: number, blockHash: Hash32): Promise<void> {
    this.pending = { height, blockHash, entries: this.d.entries() };
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when nothing is waiting or being written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async drain(): Promise<void> {
    for (let c = this.pending; c !== undefined; c = this.pending) {
      this.pending = undefined;
      try {
        const info = await this.write(c);
        if (info !== undefined) {
          this.counts.written++;
          this.d.onWritten?.(info);
        }
      } catch (err) {
        this.counts.failed++;
        this.d.log.error({ err, height: c.height }, 'snapshot failed');
      }
    }
  }

  private async write(c: Capture): Promise<SnapshotInfo | undefined> {
    const built = buildSnapshot(c.entries, {
      chainId: this.d.chainId,
      height: c.height,
      blockHash: c.blockHash,
    });
    const stored = await this.d.storedRoot(c.height);
    if (stored === undefined || !bytesEqual(stored, built.manifest.stateRoot)) {
      this.counts.failed++;
      this.d.log.error(
        { height: c.height, built: toHex(built.manifest.stateRoot), stored: stored && toHex(stored) },
        'snapshot not written: its state root differs from the stored one',
      );
      return undefined;
    }
    const falsify = this.d.falsify;
    const written =
      falsify === undefined
        ? built
        : buildSnapshot(falsify(c.entries), {
            chainId: this.d.chainId,
            height: c.height,
            blockHash: c.blockHash,
          });
    const info = await this.d.files.write(written);
    this.d.log.info({ height: c.height, hash: toHex(info.hash), bytes: info.bytes }, 'snapshot written');
    return info;
  }
}
