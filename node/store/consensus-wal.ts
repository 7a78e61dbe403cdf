// The consensus WAL: <dataDir>/wal/consensus.wal, durable records (codec/durable-record.ts) of
// the consensus driver's persisted state, back to back; the last whole record is the state in
// force. Each put appends one record and fdatasyncs before it resolves, and the driver sends the
// messages of a Ready only after that (persist before send), so a record that a crash cut short
// held votes that never left this node: open() cuts such a torn tail off and restores the record
// before it. Damage before the tail cannot come from a crash and refuses to open (docs/storage.md).
// When the file outgrows its bound it is replaced, atomically, by a file holding the last record.
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeConsensusState, encodeConsensusStateRecord } from '../../codec/consensus-state.js';
import { DurableKind, scanDurableLog, type TornTail } from '../../codec/durable-record.js';
import { CodecError } from '../../codec/errors.js';
import type { PersistentState } from '../../codec/types.js';
import { crashAt, failpoint, failpointDue } from '../../runtime/failpoints.js';
import { syncDir } from '../../runtime/fs-atomic.js';
import { StoreError, StoreErrorCode } from './errors.js';

export const WAL_FILE = 'consensus.wal';
/** The file is rewritten to its last record once past this size (or 4 records of the last size). */
export const DEFAULT_WAL_COMPACT_BYTES = 4 * 1024 * 1024;

/** What opening the WAL found, for the node to report. */
export interface WalOpenReport {
  file: string;
  /** Whole records found. */
  records: number;
  /** Bytes cut off the end: a record whose append a crash interrupted. */
  torn: TornTail | null;
}

export class ConsensusWal {
  private queue: Promise<unknown> = Promise.resolve();
  private broken: unknown;

  private constructor(
    private readonly file: string,
    private fh: FileHandle | undefined,
    private size: number,
    /** The state last made durable: restored at open, then each put's. */
    public state: PersistentState | undefined,
    readonly report: WalOpenReport,
    private readonly compactBytes: number,
  ) {}

  static async open(dir: string, compactBytes = DEFAULT_WAL_COMPACT_BYTES): Promise<ConsensusWal> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, WAL_FILE);
    // A compaction that a crash interrupted before its rename: the WAL file itself is whole.
    await rm(`${file}.tmp`, { force: true });
    let bytes: Uint8Array;
    try {
      const b = await readFile(file);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      bytes = new Uint8Array(0);
      await (await open(file, 'a')).close();
      await syncDir(dir);
    }
    const scan = scanOrRefuse(bytes, file);
    const fh = await open(file, 'r+');
    try {
      if (scan.torn !== null) {
        await fh.truncate(scan.torn.offset);
        await fh.datasync();
      }
      const last = scan.records.at(-1);
      const state = last === undefined ? undefined : decodeOrRefuse(last.payload, file, last.offset);
      const size = scan.torn?.offset ?? bytes.length;
      const report = { file, records: scan.records.length, torn: scan.torn };
      return new ConsensusWal(file, fh, size, state, report, compactBytes);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Appends the state and fdatasyncs it; puts run one at a time, in call order. */
  put(state: PersistentState): Promise<void> {
    const run = this.queue.then(() => this.append(state));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.fh?.close();
    this.fh = undefined;
  }

  private async append(state: PersistentState): Promise<void> {
    if (this.broken !== undefined)
      throw new StoreError(StoreErrorCode.NeedsReopen, 'consensus WAL failed a write: reopen the store', {
        file: this.file,
      });
    const fh = this.fh;
    if (fh === undefined) throw new StoreError(StoreErrorCode.Closed, 'consensus WAL is closed');
    const rec = encodeConsensusStateRecord(state);
    try {
      if (failpointDue('wal-torn-append')) {
        // Test kit only: a record cut short, as a crash mid-write leaves it.
        await fh.write(rec, 0, rec.length >> 1, this.size);
        await fh.datasync();
        crashAt('wal-torn-append');
      }
      await fh.write(rec, 0, rec.length, this.size);
      await fh.datasync();
      failpoint('wal-after-sync');
    } catch (err) {
      // Nothing more is appended after a failed write, so whatever part of it reached the disk
      // stays the tail, which the next open cuts off. Best effort to cut it now.
      this.broken = err;
      await fh.truncate(this.size).catch(() => undefined);
      throw new StoreError(StoreErrorCode.Io, `consensus WAL write failed: ${String(err)}`, {
        file: this.file,
      });
    }
    this.size += rec.length;
    this.state = state;
    if (this.size > Math.max(this.compactBytes, 4 * rec.length))
      await this.compact(rec).catch((err: unknown) => {
        // The record is durable in the old file or the new one; which one the handle now points
        // at is unsure, so nothing more is appended.
        this.broken = err;
        throw new StoreError(StoreErrorCode.Io, `consensus WAL rewrite failed: ${String(err)}`, {
          file: this.file,
        });
      });
  }

  /** Replaces the file by one holding only `last` (already durable in the current file). */
  private async compact(last: Uint8Array): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const t = await open(tmp, 'w');
    try {
      await t.write(last, 0, last.length, 0);
      await t.datasync();
    } finally {
      await t.close();
    }
    await rename(tmp, this.file);
    await syncDir(dirname(this.file));
    await this.fh?.close();
    this.fh = await open(this.file, 'r+');
    this.size = last.length;
  }
}

function scanOrRefuse(bytes: Uint8Array, file: string) {
  try {
    return scanDurableLog(bytes, DurableKind.ConsensusState);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    throw new StoreError(
      StoreErrorCode.Corrupt,
      `consensus WAL damaged before its tail, which no crash does: ${err.message} ` +
        '(docs/operations.md: the file holds the votes this node signed; do not delete it)',
      { file, offset: Number(err.meta.offset ?? 0), code: err.code },
    );
  }
}

function decodeOrRefuse(payload: Uint8Array, file: string, offset: number): PersistentState {
  try {
    return decodeConsensusState(payload);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    throw new StoreError(StoreErrorCode.Corrupt, `consensus WAL record unreadable: ${err.message}`, {
      file,
      offset,
      code: err.code,
    });
  }
}
