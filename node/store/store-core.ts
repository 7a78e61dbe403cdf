// The ledger store: block log + index Db. Commit protocol (docs/storage.md):
//   1. append the encoded CertifiedBlock to the block log and fdatasync it;
//   2. write ONE atomic index batch (location, header, certificate, leaves, per-envelope indexes,
//      receipts, contract state changes, state root, tip).
// The batch is not synced: the block log is the durable record, and open() re-indexes (and
// re-executes) any block found complete in the log beyond the indexed tip.
import { join } from 'node:path';
import type { CertifiedBlock, Hash32 } from '../../codec/types.js';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { LogFrontier } from '../../crypto/hash-log.js';
import { failpoint } from '../../runtime/failpoints.js';
import { type BlockLocation, BlockLog } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, prefixEnd, readU64, u64 } from './buckets.js';
import type { Db } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { blockFacts, decodeStoredBlock, type EnvelopeHasher, headerHash } from './facts.js';
import { hashLogOps, loadFrontier } from './hash-log.js';
import { type BlockExecution, type BlockFacts, type ExecutionResult, indexOps } from './index-batch.js';
import { readBase } from './install.js';
import { LevelDb } from './level-db.js';
import { decodeLocation, type Receipt, ReceiptStatus } from './values.js';

export interface Tip {
  height: number;
  hash: Uint8Array;
  stateRoot: Uint8Array;
  location: BlockLocation;
}

/** Executes a block's contracts during recovery (the same function the node calls before commit). */
export type Execute = (block: CertifiedBlock, bytes: Uint8Array) => BlockExecution | Promise<BlockExecution>;

export interface StoreOptions {
  /** Index database; default a LevelDb at <dir>/index. */
  db?: Db;
  segmentBytes?: number;
  /** Re-executes blocks re-indexed at open; without it they get all-applied receipts and an unchanged state root. */
  execute?: Execute;
  /** Tracing code of an envelope (default: SHA-256); the node passes its remembering one (node/chain/tx-hash.ts). */
  tracingCode?: EnvelopeHasher;
  /** Size past which the consensus WAL file is rewritten to its last record (consensus-wal.ts). */
  walCompactBytes?: number;
}

export interface RecoveryReport {
  /** Blocks found complete in the log but not indexed, now indexed. */
  reindexed: number;
}

/** Receipts by hex tracing code; `size` 0 when there are none. */
export interface ReceiptsByCode {
  readonly size: number;
  get(id: string): Receipt | undefined;
}

const NONE: ReceiptsByCode = new Map<string, Receipt>();

/**
 * Hex tracing code -> receipt, of every envelope of a block (receipts absent count as applied),
 * built on the first look-up: only an admission check that lands while the block's batch is being
 * written asks, and hex-encoding every code of every block for it was a cost of each commit.
 */
class ExecutedCodes implements ReceiptsByCode {
  private map: Map<string, Receipt> | undefined;

  constructor(
    private readonly facts: BlockFacts,
    private readonly result: ExecutionResult,
  ) {}

  get size(): number {
    return this.facts.envelopes.length;
  }

  get(id: string): Receipt | undefined {
    if (this.map === undefined) {
      const map = new Map<string, Receipt>();
      this.facts.envelopes.forEach((e, i) => {
        map.set(
          toHex(e.tracingCode),
          this.result.receipts[i] ?? { status: ReceiptStatus.Applied, reason: 0 },
        );
      });
      this.map = map;
    }
    return this.map.get(id);
  }
}

/** The block-hash log as of the tip: its size (tip + 1 once a block is in) and root. */
export interface HashLogHead {
  size: number;
  root: Hash32;
}

export class StoreCore {
  protected tipInfo: Tip | undefined;
  /** Right edge of the block-hash log over blocks 0..tip (hash-log.ts); advanced with each batch. */
  private frontier = LogFrontier.empty();
  private logHead: HashLogHead = { size: 0, root: LogFrontier.empty().root() };
  protected closed = false;
  private committing = false;
  /**
   * Receipts, by hex tracing code, of the envelopes of the block being committed, from the moment
   * its contracts ran until its index batch is written. The contract state, which admission reads,
   * already counts the applied ones as spent in that window; `committed()` and `recorded()` must
   * agree or a re-send of one of them would be refused as a replay instead of answered
   * ALREADY_COMMITTED.
   */
  protected applying: ReceiptsByCode = NONE;
  /**
   * Whether any envelope was ever rejected at execution (the Rejected bucket is not empty): while
   * none was, `recorded(…, rejectedOnly)` answers without reading the index.
   */
  protected rejectedAny = false;

  protected constructor(
    readonly db: Db,
    readonly log: BlockLog,
    private readonly hash: EnvelopeHasher = tracingCode,
  ) {}

  tip(): Tip | undefined {
    return this.tipInfo;
  }

  /**
   * The block-hash log over blocks 0..tip: the root the next block's header must carry, over
   * tip + 1 leaves (size 0 before the first block, whose parent then becomes leaf 0).
   */
  hashLog(): HashLogHead {
    return this.logHead;
  }

  /** The index ops of a block's leaves in the block-hash log; the frontier moves once they are written. */
  private logOps(
    decoded: CertifiedBlock,
    hash: Uint8Array,
  ): { ops: ReturnType<typeof hashLogOps>['ops']; done(): void } {
    const h = decoded.block.header;
    const { ops, next } = hashLogOps(this.frontier, h.height, h.parentHash, hash);
    return {
      ops,
      done: () => {
        this.frontier = next;
        this.logHead = { size: next.size, root: next.root() };
      },
    };
  }

  /**
   * Persists a committed block: bytes is the encoded CertifiedBlock, decoded its decode (views into
   * bytes), exec the contracts' result for it — or a function computing it, which then runs while
   * the block log append and its fsync are in flight (the append does not depend on it; a crash
   * before the index batch is repaired by recovery). Resolves once the block is durable and indexed.
   */
  async commit(
    bytes: Uint8Array,
    decoded: CertifiedBlock,
    exec: BlockExecution | (() => BlockExecution),
  ): Promise<Tip> {
    this.ensureOpen();
    // Two overlapping commits would both pass the height check and append the same height twice.
    if (this.committing) throw new StoreError(StoreErrorCode.Busy, 'a commit is already in progress');
    const height = decoded.block.header.height;
    const expected = (this.tipInfo?.height ?? 0) + 1;
    if (height !== expected)
      throw new StoreError(StoreErrorCode.NotNextHeight, 'block out of order', { height, expected });
    this.committing = true;
    try {
      const appended = this.log.append(height, bytes);
      // Keep a failed append from surfacing as an unhandled rejection while exec runs.
      appended.catch(() => undefined);
      const result = typeof exec === 'function' ? exec() : exec;
      const facts = blockFacts(bytes, decoded, this.hash);
      this.applying = new ExecutedCodes(facts, result);
      if (result.receipts.some((r) => r.status !== ReceiptStatus.Applied)) this.rejectedAny = true;
      const log = this.logOps(decoded, facts.hash);
      const location = await appended;
      failpoint('block-log-after-append');
      await this.db.batch([...indexOps(facts, location, result), ...log.ops]);
      failpoint('index-after-batch');
      log.done();
      this.tipInfo = { height, hash: facts.hash, stateRoot: result.stateRoot, location };
      return this.tipInfo;
    } finally {
      this.committing = false;
      this.applying = NONE;
    }
  }

  protected async loadTip(): Promise<void> {
    const t = await this.db.get(metaKey(MetaKey.Tip));
    if (t === undefined) return;
    const h = u64(readU64(t));
    const [loc, header, root] = await Promise.all([
      this.db.get(key(Bucket.BlockLocation, h)),
      this.db.get(key(Bucket.Header, h)),
      this.db.get(key(Bucket.StateRoot, h)),
    ]);
    // The base of a store installed from a snapshot has no body: recovery scans the log from its start.
    const base = loc === undefined && (await readBase(this.db)) === readU64(t);
    if ((loc === undefined && !base) || header === undefined || root === undefined)
      throw new StoreError(StoreErrorCode.Inconsistent, 'tip without its block index', {
        height: readU64(t),
      });
    const { blockStart: _, ...location } =
      loc === undefined ? { segment: 0, offset: 0, length: 0, blockStart: 0 } : decodeLocation(loc);
    this.tipInfo = { height: readU64(t), hash: headerHash(header), stateRoot: root, location };
    // Leaves 0..tip, each written in its block's batch: the same roots as before the restart.
    this.frontier = await loadFrontier(this.db, readU64(t) + 1);
    this.logHead = { size: this.frontier.size, root: this.frontier.root() };
  }

  /** Reads whether any envelope was ever rejected at execution (after recovery re-indexed the log's tail). */
  protected async loadRejectedAny(): Promise<void> {
    const from = new Uint8Array([Bucket.Rejected]);
    for await (const _ of this.db.iterate({ gte: from, lt: prefixEnd(from), limit: 1 }))
      this.rejectedAny = true;
  }

  protected async recover(execute: Execute | undefined): Promise<RecoveryReport> {
    const from = this.tipInfo && {
      segment: this.tipInfo.location.segment,
      offset: end(this.tipInfo.location),
    };
    let reindexed = 0;
    for await (const frame of this.log.recover(from)) {
      const expected = (this.tipInfo?.height ?? 0) + 1;
      if (frame.height !== expected)
        throw new StoreError(StoreErrorCode.Inconsistent, 'block log out of order', {
          height: frame.height,
          expected,
        });
      const decoded = decodeStoredBlock(frame.payload);
      const facts = blockFacts(frame.payload, decoded, this.hash);
      const exec = execute
        ? await execute(decoded, frame.payload)
        : await this.unchangedState(facts.envelopes.length);
      const log = this.logOps(decoded, facts.hash);
      await this.db.batch([...indexOps(facts, frame.location, exec), ...log.ops]);
      log.done();
      this.tipInfo = {
        height: frame.height,
        hash: facts.hash,
        stateRoot: exec.stateRoot,
        location: frame.location,
      };
      reindexed++;
    }
    return { reindexed };
  }

  protected ensureOpen(): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed, 'store is closed');
  }

  /** Without contracts to run, a re-indexed block keeps the previous state root and applies every envelope. */
  private async unchangedState(n: number): Promise<ExecutionResult> {
    const prev =
      this.tipInfo?.stateRoot ?? (await this.db.get(key(Bucket.StateRoot, u64(0)))) ?? new Uint8Array(32);
    return {
      receipts: Array.from({ length: n }, () => ({ status: ReceiptStatus.Applied, reason: 0 })),
      stateChanges: [],
      stateRoot: prev,
    };
  }
}

function end(l: BlockLocation): number {
  return l.offset + l.length;
}

export async function openParts(dir: string, opts: StoreOptions): Promise<{ db: Db; log: BlockLog }> {
  const db = opts.db ?? (await LevelDb.open(join(dir, 'index')));
  const log = await BlockLog.open(join(dir, 'blocks'), opts.segmentBytes);
  return { db, log };
}
