// The store's public face: open (with recovery), commit, and every read the node, the RPC layer and
// the platform need: blocks by height, envelopes and proof bundles by tracing code, receipts,
// state roots, time-range queries, and the consensus driver's WAL and evidence.
import { join } from 'node:path';
import type { CityCode, EvidenceRecord, Hash32, PersistentState } from '../../codec/types.js';
import { toHex } from '../../crypto/bytes.js';
import { frontierSubtrees } from '../../crypto/hash-log.js';
import type { ConsistencyProof, InclusionProof } from '../../crypto/merkle.js';
import type { TraceBundle } from '../../crypto/trace-bundle.js';
import { Bucket, key, u64 } from './buckets.js';
import { ConsensusWal, type WalOpenReport } from './consensus-wal.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { putEvidence, readEvidence } from './evidence.js';
import { readConsistencyProof, readInclusionProof, readSubtrees } from './hash-log.js';
import { type BaseInstall, installBase, readBase } from './install.js';
import { type LegacyMigration, migrateLegacyConsensus } from './legacy-consensus.js';
import { inclusionPath } from './proof.js';
import {
  finishPruning,
  type PruneFailpoint,
  PruneGate,
  type PruneStepResult,
  type PruneTarget,
  pruneStep,
  readPrunedBelow,
} from './prune.js';
import {
  cityKpiRange,
  type Page,
  type PageOptions,
  queryAll,
  queryPage,
  siteRange,
  type TraceRef,
} from './queries.js';
import { openParts, type RecoveryReport, StoreCore, type StoreOptions } from './store-core.js';
import { type KeptValidatorChange, readValidatorChange } from './validator-change.js';
import {
  type DataRecorder,
  decodeDataRecorder,
  decodeLocation,
  decodeReceiptRef,
  decodeReceipts,
  type Receipt,
  type ReceiptRef,
  ReceiptStatus,
  receiptAt,
  type StoredLocation,
  type StoredReceipt,
} from './values.js';

/** An envelope found by tracing code, with both Table 10-3 recorders. */
export interface FoundEnvelope {
  envelope: Uint8Array;
  data: DataRecorder;
  block: StoredLocation;
}

export class Store extends StoreCore implements PruneTarget {
  lastRecovery: RecoveryReport = { reindexed: 0 };
  /** What opening the consensus WAL found (a torn tail cut off) and migrated from older folders. */
  walReport: WalOpenReport & { migrated: LegacyMigration } = {
    file: '',
    records: 0,
    torn: null,
    migrated: { state: false, evidence: 0 },
  };
  private wal: ConsensusWal | undefined;
  /** Lowest height whose body is still held (1: nothing pruned); Meta prunedBelow. */
  private earliest = 1;
  /** Height the store was installed at from a snapshot (install.ts); 0 when it started at genesis. */
  private baseHeight = 0;
  /** The archive segment file holding pruned height h (retain.archiveDir), named in PRUNED answers. */
  archivedAt: ((h: number) => string | undefined) | undefined;
  /** Live backups hold pruning off (node/backup/live-backup.ts). */
  private readonly pruneGate = new PruneGate();

  /**
   * Installs a verified snapshot into the empty store at `dir` (install.ts): one synced batch, so
   * a crash leaves the empty store or the whole base. Open the store afterwards as usual.
   */
  static async installBase(dir: string, b: BaseInstall, opts: Pick<StoreOptions, 'db'> = {}): Promise<void> {
    const { db, log } = await openParts(dir, opts);
    try {
      const empty = log.segments().every((seg) => log.firstHeight(seg) === undefined);
      await installBase(db, empty, b);
    } finally {
      await log.close();
      if (opts.db === undefined) await db.close();
    }
  }

  static async open(dir: string, opts: StoreOptions = {}): Promise<Store> {
    const { db, log } = await openParts(dir, opts);
    const s = new Store(db, log, opts.tracingCode);
    try {
      await s.loadTip();
      s.earliest = await readPrunedBelow(db);
      s.baseHeight = await readBase(db);
      s.lastRecovery = await s.recover(opts.execute);
      await finishPruning(s);
      await s.loadRejectedAny();
      s.wal = await ConsensusWal.open(join(dir, 'wal'), opts.walCompactBytes);
      const migrated = await migrateLegacyConsensus(db, s.wal);
      s.walReport = { ...s.wal.report, migrated };
    } catch (err) {
      // Release the files (and the LevelDB lock when the store opened the Db itself).
      await s.wal?.close();
      await log.close();
      if (opts.db === undefined) await db.close();
      throw err;
    }
    return s;
  }

  /** Encoded CertifiedBlock at height h; PRUNED below earliestHeight(). */
  async getBlock(h: number): Promise<Uint8Array> {
    const loc = await this.location(h);
    return this.bodyRead(h, () => this.log.read(loc));
  }

  async location(h: number): Promise<StoredLocation> {
    this.ensureBody(h);
    return decodeLocation(await this.must(key(Bucket.BlockLocation, u64(h)), 'block', h));
  }

  /** Lowest height whose block body this store holds (1 when nothing was pruned). */
  earliestHeight(): number {
    return this.earliest;
  }

  /** Height of the snapshot this store was installed from; 0 when it holds the chain from genesis. */
  base(): number {
    return this.baseHeight;
  }

  tipHeight(): number {
    return this.tipInfo?.height ?? 0;
  }

  notePruned(below: number): void {
    this.earliest = Math.max(this.earliest, below);
  }

  /** One bounded pruning step (prune.ts): the oldest segment, when all of it is below retainHeight. */
  pruneStep(retainHeight: number, fail?: (at: PruneFailpoint) => void): Promise<PruneStepResult> {
    this.ensureOpen();
    return this.pruneGate.run(() => pruneStep(this, retainHeight, fail), { earliest: this.earliest });
  }

  /** No segment is deleted until the release is called (a step in flight finishes first). */
  holdPruning(): Promise<() => void> {
    return this.pruneGate.hold();
  }

  private ensureBody(h: number): void {
    if (h >= this.earliest) return;
    const archived = h >= 1 ? this.archivedAt?.(h) : undefined;
    throw new StoreError(
      StoreErrorCode.Pruned,
      `block ${h} pruned: bodies below height ${this.earliest} are deleted` +
        (archived === undefined ? '' : `; its node archives it in segment ${archived}`),
      {
        height: h,
        prunedBelow: this.earliest,
        ...(archived === undefined ? {} : { archiveSegment: archived }),
      },
    );
  }

  /** Headers below a state-sync base were never stored here. */
  private ensureHeaderHeld(h: number): void {
    if (h >= 1 && h < this.baseHeight)
      throw new StoreError(
        StoreErrorCode.Pruned,
        `header ${h} is below the state-sync base ${this.baseHeight}: ask a node that keeps it`,
        { height: h, base: this.baseHeight, prunedBelow: this.earliest },
      );
  }

  /** A read racing a prune finds its segment gone: that is PRUNED, not a missing file. */
  private bodyRead<T>(h: number, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof StoreError && err.code === StoreErrorCode.NotFound) this.ensureBody(h);
      throw err;
    }
  }

  async getHeader(h: number): Promise<Uint8Array> {
    this.ensureHeaderHeld(h);
    return this.must(key(Bucket.Header, u64(h)), 'header', h);
  }

  async getCertificate(h: number): Promise<Uint8Array> {
    this.ensureHeaderHeld(h);
    return this.must(key(Bucket.Certificate, u64(h)), 'certificate', h);
  }

  async heightOf(blockHash: Uint8Array): Promise<number | undefined> {
    const v = await this.db.get(key(Bucket.BlockHash, blockHash));
    return v === undefined ? undefined : Number(new DataView(v.buffer, v.byteOffset).getBigUint64(0));
  }

  /** Tracing codes of the block's envelopes, in block order (the Merkle leaves). */
  async getLeaves(h: number): Promise<Uint8Array[]> {
    const v = await this.must(key(Bucket.Leaves, u64(h)), 'leaves', h);
    const out: Uint8Array[] = [];
    for (let i = 0; i < v.length; i += 32) out.push(v.subarray(i, i + 32));
    return out;
  }

  async stateRoot(h: number): Promise<Uint8Array | undefined> {
    return this.db.get(key(Bucket.StateRoot, u64(h)));
  }

  /** Receipts of every envelope of block h, in block order (empty when h is not committed). */
  async receipts(h: number): Promise<StoredReceipt[]> {
    const v = await this.db.get(key(Bucket.Receipt, u64(h)));
    return v === undefined ? [] : decodeReceipts(v, h, await this.getLeaves(h));
  }

  /**
   * The receipt of the envelope with this tracing code: the applied one when a copy was applied
   * (a later rejected replay of it does not hide it), else the latest rejection; undefined when no
   * envelope with this code was ever executed.
   */
  async receipt(tracingCode: Uint8Array): Promise<StoredReceipt | undefined> {
    this.ensureOpen();
    const [applied, rejected] = await this.db.getMany([
      key(Bucket.Trace, tracingCode),
      key(Bucket.Rejected, tracingCode),
    ]);
    const at: ReceiptRef | undefined =
      applied !== undefined ? decodeDataRecorder(applied) : rejected && decodeReceiptRef(rejected);
    if (at === undefined) return undefined;
    const packed = await this.must(key(Bucket.Receipt, u64(at.height)), 'receipts', at.height);
    const r = receiptAt(packed, at.index);
    // Trace, Rejected and the receipts go in one batch: a disagreement is not a crash artefact.
    const expected = applied !== undefined ? ReceiptStatus.Applied : ReceiptStatus.Rejected;
    if (r.status !== expected)
      throw new StoreError(StoreErrorCode.Inconsistent, 'receipt disagrees with its index', {
        height: at.height,
        index: at.index,
      });
    return { ...r, height: at.height, index: at.index, tracingCode: tracingCode.slice() };
  }

  /**
   * An applied envelope by tracing code; undefined when unknown or only rejected (a rejected
   * envelope has no place in the trace bundles this serves: find its receipt with receipt()).
   */
  async findEnvelope(tracingCode: Uint8Array): Promise<FoundEnvelope | undefined> {
    this.ensureOpen();
    const v = await this.db.get(key(Bucket.Trace, tracingCode));
    if (v === undefined) return undefined;
    const data = decodeDataRecorder(v);
    const block = await this.location(data.height);
    const envelope = this.bodyRead(data.height, () =>
      this.log.readAt(block.segment, block.offset + block.blockStart + data.offset, data.length),
    );
    return { envelope, data, block };
  }

  /** For each tracing code, whether an applied envelope carries it (see recorded()). */
  async committed(tracingCodes: readonly Uint8Array[]): Promise<boolean[]> {
    return (await this.recorded(tracingCodes)).map((r) => r?.status === ReceiptStatus.Applied);
  }

  /**
   * For each tracing code, the receipt a block recorded for it (applied, else its latest rejection
   * at execution; undefined when no block holds it), in a few batched index reads. Admission asks
   * this to answer a re-send ALREADY_COMMITTED with that result. `rejectedOnly`: the caller knows
   * none was applied (their sequence numbers are not spent), so only rejections are looked for,
   * and nothing is read while no envelope was ever rejected at execution.
   */
  async recorded(
    tracingCodes: readonly Uint8Array[],
    rejectedOnly = false,
  ): Promise<(Receipt | undefined)[]> {
    this.ensureOpen();
    // Executed by a block whose index batch is still being written: taken before the lookup (a
    // batch that lands during it may be missed by the read) and after it (a commit that began meanwhile).
    // Set as a block with a rejection starts committing, so it covers the block in flight too.
    if (rejectedOnly && !this.rejectedAny) return tracingCodes.map(() => undefined);
    const before = this.applying;
    const buckets = rejectedOnly ? [Bucket.Rejected] : [Bucket.Trace, Bucket.Rejected];
    const found = await this.db.getMany(tracingCodes.flatMap((tc) => buckets.map((b) => key(b, tc))));
    const after = this.applying;
    const out: (Receipt | undefined)[] = [];
    const refs: [number, ReceiptRef][] = [];
    tracingCodes.forEach((tc, i) => {
      const applied = rejectedOnly ? undefined : found[2 * i];
      const rejected = found[buckets.length * i + buckets.length - 1];
      if (applied !== undefined) out[i] = { status: ReceiptStatus.Applied, reason: 0 };
      else if (rejected !== undefined) refs.push([i, decodeReceiptRef(rejected)]);
      else if (before.size > 0 || after.size > 0) {
        const id = toHex(tc);
        const r = before.get(id) ?? after.get(id);
        out[i] = rejectedOnly && r?.status === ReceiptStatus.Applied ? undefined : r;
      }
    });
    if (refs.length === 0) return tracingCodes.map((_, i) => out[i]);
    // A rejection's reason is in its block's packed receipts: one read per block.
    const heights = [...new Set(refs.map(([, ref]) => ref.height))];
    const packed = await this.db.getMany(heights.map((h) => key(Bucket.Receipt, u64(h))));
    for (const [i, ref] of refs) {
      const p = packed[heights.indexOf(ref.height)];
      if (p === undefined)
        throw new StoreError(StoreErrorCode.Inconsistent, 'receipts', { height: ref.height });
      out[i] = receiptAt(p, ref.index);
    }
    return tracingCodes.map((_, i) => out[i]);
  }

  /** Everything needed to verify the envelope's commitment offline (crypto/trace-bundle.ts). */
  async traceBundle(tracingCode: Uint8Array): Promise<TraceBundle> {
    const found = await this.findEnvelope(tracingCode);
    if (found === undefined) throw this.unknownCode();
    const h = found.data.height;
    const [blockHeader, certificate, leaves, level] = await Promise.all([
      this.getHeader(h),
      this.getCertificate(h),
      this.getLeaves(h),
      this.must(key(Bucket.ChunkLevel, u64(h)), 'chunk level', h),
    ]);
    const proof = inclusionPath(leaves, found.data.index, level);
    return { envelope: found.envelope, blockHeader, index: found.data.index, proof, certificate };
  }

  /**
   * RFC 9162 inclusion proof of leaf `index` (the hash of block `index`; leaf 0 the genesis hash) in
   * the block-hash log of `size` leaves, the log the header at height `size` carries.
   */
  async hashLogInclusion(index: number, size: number): Promise<InclusionProof> {
    this.ensureLogSize(size);
    this.ensureAboveBase(index, 'leaf');
    return readInclusionProof(this.db, index, size);
  }

  /**
   * The perfect-subtree hashes (largest first) of the block-hash log of `size` leaves: served to a
   * node installing a snapshot at height size - 1 (snapshot protocol HASHLOG).
   */
  async hashLogFrontier(size: number): Promise<Hash32[]> {
    this.ensureLogSize(size);
    this.ensureAboveBase(size, 'log size');
    return readSubtrees(this.db, frontierSubtrees(size));
  }

  /** RFC 9162 consistency proof between the block-hash logs of `first` and `second` leaves. */
  async hashLogConsistency(first: number, second: number): Promise<ConsistencyProof> {
    this.ensureLogSize(second);
    // A log of base + 1 leaves is the frontier itself; smaller ones are not held.
    if (first > 0) this.ensureAboveBase(first, 'log size');
    return readConsistencyProof(this.db, first, second);
  }

  /**
   * An unknown tracing code: on a store installed from a snapshot it may belong to a block below
   * the base, whose envelopes were never indexed here, so the answer is PRUNED, not NOT_FOUND.
   */
  private unknownCode(): StoreError {
    if (this.baseHeight === 0) return new StoreError(StoreErrorCode.NotFound, 'unknown tracing code');
    return new StoreError(
      StoreErrorCode.Pruned,
      `unknown tracing code: this node joined by state sync at height ${this.baseHeight} and holds no envelope below height ${this.earliest}`,
      { base: this.baseHeight, prunedBelow: this.earliest },
    );
  }

  /** Leaves 0..base of a base store are known only as the frontier: proofs reaching into them are refused. */
  private ensureAboveBase(leafOrSize: number, what: string): void {
    if (this.baseHeight > 0 && leafOrSize <= this.baseHeight)
      throw new StoreError(
        StoreErrorCode.Pruned,
        `${what} ${leafOrSize} is at or below the state-sync base ${this.baseHeight}: ask a node that keeps the whole block-hash log`,
        { base: this.baseHeight, prunedBelow: this.earliest },
      );
  }

  private ensureLogSize(size: number): void {
    this.ensureOpen();
    if (size > this.hashLog().size)
      throw new StoreError(StoreErrorCode.NotFound, 'block-hash log not that long', {
        size,
        logSize: this.hashLog().size,
      });
  }

  /** Encoded CertifiedBlocks from `from` to `to` inclusive (clamped to the tip), streamed. */
  async *blocks(
    from: number,
    to = Number.MAX_SAFE_INTEGER,
  ): AsyncGenerator<{ height: number; bytes: Uint8Array }> {
    const last = Math.min(to, this.tipInfo?.height ?? 0);
    for (let h = Math.max(from, 1); h <= last; h++) yield { height: h, bytes: await this.getBlock(h) };
  }

  bySite(siteId: Uint8Array, from: number, to: number, page?: PageOptions): Promise<Page<TraceRef>> {
    return queryPage(this.db, siteRange(siteId, from, to), page);
  }

  iterateBySite(siteId: Uint8Array, from: number, to: number): AsyncGenerator<TraceRef> {
    return queryAll(this.db, siteRange(siteId, from, to));
  }

  byCityKpi(
    country: number,
    city: CityCode,
    kpi: number,
    from: number,
    to: number,
    page?: PageOptions,
  ): Promise<Page<TraceRef>> {
    return queryPage(this.db, cityKpiRange(country, city, kpi, from, to), page);
  }

  iterateByCityKpi(
    country: number,
    city: CityCode,
    kpi: number,
    from: number,
    to: number,
  ): AsyncGenerator<TraceRef> {
    return queryAll(this.db, cityKpiRange(country, city, kpi, from, to));
  }

  // ---- consensus WAL (consensus-wal.ts) and evidence, as durable records (codec/consensus-state.ts).

  /** The consensus state persisted last (restored at open); undefined on a node that never voted. */
  consensusState(): PersistentState | undefined {
    return this.walOrThrow().state;
  }

  /** Appends the state to the WAL and fdatasyncs it: a vote must be durable before it is sent. */
  putConsensusState(state: PersistentState): Promise<void> {
    return this.walOrThrow().put(state);
  }

  /** The proof kept of the validator-set change activating at `activation` (validator-change.ts). */
  validatorChange(activation: number): Promise<KeptValidatorChange | undefined> {
    this.ensureOpen();
    return readValidatorChange(this.db, activation);
  }

  /** Synced: evidence survives a crash right after it is reported (evidence.ts). */
  putEvidence(k: Uint8Array, e: EvidenceRecord): Promise<void> {
    return putEvidence(this.db, k, e);
  }

  evidence(): AsyncGenerator<[Uint8Array, EvidenceRecord]> {
    return readEvidence(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wal?.close();
    await this.log.close();
    await this.db.close();
  }

  private walOrThrow(): ConsensusWal {
    if (this.wal === undefined || this.closed) throw new StoreError(StoreErrorCode.Closed, 'store is closed');
    return this.wal;
  }

  private async must(k: Uint8Array, what: string, height: number): Promise<Uint8Array> {
    this.ensureOpen();
    const v = await this.db.get(k);
    if (v === undefined) throw new StoreError(StoreErrorCode.NotFound, `no ${what} at height`, { height });
    return v;
  }
}

export function openStore(dir: string, opts: StoreOptions = {}): Promise<Store> {
  return Store.open(dir, opts);
}
