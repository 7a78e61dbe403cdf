// The extractor (Y.4907 §8.3 storage and retrieval): takes certified blocks in height order,
// verifies each against the validator set the platform tracks itself (certificate quorum, body
// against txRoot, chain ID, parent hash), checks its state root against the platform's own
// execution of the chain so far and executes it with the ledger the nodes run (ledger/), and
// writes one Table 10-3 storage record per KPI packet together with what opening it gave. A block
// that does not verify is refused whole and nothing of it is written; a verified block is written
// in one atomic batch with its contract state changes and the new checkpoint, so a crash never
// leaves a gap, a duplicate, or a contract state of another height.
import { ApiError } from '../api/errors.js';
import { verifyCertifiedBlock } from '../api/verify.js';
import { blockEnvelopeLocations } from '../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../codec/certificate.js';
import { envelopeKind, envelopePacket } from '../codec/envelope-view.js';
import { type Block, type BlockHeader, EnvelopeKind } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { verify } from '../crypto/ed25519.js';
import { tracingCode } from '../crypto/hash.js';
import type { LogFrontier } from '../crypto/hash-log.js';
import type { VerifyItem, VerifyPool } from '../crypto/verify-pool.js';
import type { Contracts } from '../ledger/contracts.js';
import type { LedgerGenesis } from '../ledger/genesis.js';
import type { ChainSource } from './chain-source.js';
import { ChainState, type SiteEntry } from './chain-state.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { emptyMeta, hashLogOf, packetMeta } from './extract-helpers.js';
import { hex } from './hex.js';
import { type OpenedLedger, openLedger } from './ledger-store.js';
import { failed, PacketFailure, type PacketMeta, type StoredPacket } from './outcome.js';
import { type PacketOpener, type PendingPacket, settle } from './packet-opener.js';
import { makeStorageRecord } from './storage-record.js';
import type { BlockBatch, ExtractorCheckpoint, PlatformStore } from './store.js';

export interface BlockSummary {
  height: number;
  packets: number;
  decrypted: number;
  /** Failed packets by reason. */
  failures: Record<string, number>;
  contractCalls: number;
}

function badBlock(height: number, check: string): PlatformError {
  return new PlatformError(PlatformErrorCode.BadBlock, `block ${height} refused: ${check}`, {
    height,
    check,
  });
}

/** One envelope of a block: where it is, its code, and for an upload its clear metadata. */
interface Item {
  env: Uint8Array;
  tc: Uint8Array;
  at: { index: number; offset: number; length: number };
  call: boolean;
  meta: PacketMeta | undefined;
}

/** An upload's stored parts before its digest signature is settled. */
interface ExtractedUpload {
  meta: PacketMeta;
  storage: Uint8Array;
  pending: PendingPacket;
}

/** Verifies Ed25519 signatures in batches (crypto/verify-pool.ts's VerifyPool is one). */
export type SignatureVerifier = Pick<VerifyPool, 'verifyBatch'>;

/** Verifies on the calling thread. */
export const inlineVerifier: SignatureVerifier = {
  verifyBatch: async (items) => items.map((it) => verify(it.publicKey, it.message, it.signature)),
};

/** A verified and executed block, ready to be written (see `Extractor.prepare`). */
export interface PreparedBlock {
  batch: BlockBatch;
  summary: BlockSummary;
}

/** Uploads opened between two turns of the event loop while a block is prepared. */
const OPEN_SLICE = 64;

export class Extractor {
  /** The last prepared block's checkpoint and hash log: ahead of the store while a write is in flight. */
  private tip: { cp: ExtractorCheckpoint | undefined; hashLog: LogFrontier };
  /** A write failed: the ledger and the tip are ahead of the store until the next `prepare`. */
  private writeFailed = false;

  private constructor(
    private readonly store: PlatformStore,
    private readonly opener: PacketOpener,
    private readonly genesis: LedgerGenesis,
    private readonly chainUrl: string,
    private opened: OpenedLedger,
    private cp: ExtractorCheckpoint | undefined,
    private readonly verifier: SignatureVerifier,
  ) {
    this.tip = { cp, hashLog: hashLogOf(genesis, cp) };
  }

  /**
   * Resumes from the store's checkpoint (or the genesis), restoring accepted session offers. The
   * uploads' digest signatures are verified a block at a time by `verifier` (a VerifyPool's worker
   * threads in `platform run`; on this thread by default).
   */
  static async open(
    store: PlatformStore,
    genesis: LedgerGenesis,
    opener: PacketOpener,
    chainUrl: string,
    verifier: SignatureVerifier = inlineVerifier,
  ): Promise<Extractor> {
    const cp = await store.checkpoint();
    const opened = await openLedger(store, genesis, cp);
    for (const offer of await store.offers()) opener.restoreOffer(offer);
    return new Extractor(store, opener, genesis, chainUrl, opened, cp, verifier);
  }

  /** Last stored height (0 before the first block). */
  get height(): number {
    return this.cp?.height ?? 0;
  }

  /** Last prepared height: the store's, or one more while that block's write is in flight. */
  private get tipHeight(): number {
    return this.tip.cp?.height ?? 0;
  }

  /** The height to ask the chain for next: after a failure, the one after the stored block. */
  private get nextHeight(): number {
    return (this.writeFailed || this.opened.stale ? this.height : this.tipHeight) + 1;
  }

  /** The ledger as of the last processed block (validators, sites, SCP keys). */
  get chain(): ChainState {
    return new ChainState(this.ledger);
  }

  private get ledger(): Contracts {
    return this.opened.ledger;
  }

  /** Verifies, executes, extracts and stores the block at `height` (which must be the next one). */
  async apply(height: number, certifiedBlock: Uint8Array): Promise<BlockSummary> {
    const prepared = await this.prepare(height, certifiedBlock);
    await this.write(prepared);
    return prepared.summary;
  }

  /**
   * Verifies and executes the block after the last prepared one and opens its uploads, without
   * writing anything: the ledger in memory moves ahead of the store until `write` stores it. The
   * uploads are opened a slice at a time, giving the event loop turns in between, so the previous
   * block's SQL transaction proceeds meanwhile.
   */
  async prepare(height: number, certifiedBlock: Uint8Array): Promise<PreparedBlock> {
    // A failed write (or preparation) left the ledger in memory ahead of the store: start again
    // from the store.
    if (this.opened.stale || this.writeFailed) {
      this.opened = await openLedger(this.store, this.genesis, this.cp);
      this.tip = { cp: this.cp, hashLog: hashLogOf(this.genesis, this.cp) };
      this.writeFailed = false;
    }
    if (height !== this.tipHeight + 1)
      throw new PlatformError(
        PlatformErrorCode.OutOfOrder,
        `got block ${height}, expected ${this.tipHeight + 1}`,
        { height, expected: this.tipHeight + 1 },
      );
    const { block, blockHash } = this.verify(height, certifiedBlock);
    const { header } = block;
    const blockBytes = certifiedBlockBlockBytes(certifiedBlock);
    const chainOffset = this.tip.cp?.chainOffset ?? 0;
    const items: Item[] = blockEnvelopeLocations(blockBytes).map((loc, index) => {
      const env = blockBytes.subarray(loc.offset, loc.offset + loc.length);
      const tc = tracingCode(env);
      const call = envelopeKind(env) === EnvelopeKind.ContractCall;
      const meta = call ? undefined : packetMeta(env, hex(tc), height, index, header);
      return { env, tc, at: { ...loc, index }, call, meta };
    });
    // Each upload is judged by the registry as the envelopes before it in the block left it.
    const view = this.chain;
    const sites: (SiteEntry | undefined)[] = [];
    this.opened.stale = true;
    const execution = this.ledger.applyBlock(block, (i) => {
      const meta = items[i]?.meta;
      if (meta) sites[i] = view.site(meta.siteKeyId);
    });
    const summary: BlockSummary = { height, packets: 0, decrypted: 0, failures: {}, contractCalls: 0 };
    const uploads: ExtractedUpload[] = [];
    const at = { height, header, bytes: certifiedBlock, chainOffset };
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && i % OPEN_SLICE === 0) await new Promise((r) => setImmediate(r));
      const item = items[i]!;
      if (item.call) summary.contractCalls++;
      else uploads.push(this.extractUpload(item, at, sites[i]));
    }
    // The block's digest signatures in one batch, in block order; meanwhile the event loop is free
    // for the previous block's write.
    const checks = uploads.flatMap((u) => (u.pending.check ? [u.pending.check.item] : []));
    const verified = checks.length > 0 ? await this.verifySignatures(checks) : [];
    const packets: StoredPacket[] = [];
    const offers: Uint8Array[] = [];
    let k = 0;
    for (const { meta, storage, pending } of uploads) {
      const { outcome, acceptedOffer } = settle(pending, pending.check ? verified[k++] === true : true);
      if (acceptedOffer) offers.push(acceptedOffer);
      packets.push({ meta, storage, outcome });
      summary.packets++;
      if (outcome.ok) summary.decrypted++;
      else summary.failures[outcome.reason] = (summary.failures[outcome.reason] ?? 0) + 1;
    }
    const hashLog = this.tip.hashLog.clone();
    hashLog.append(blockHash);
    const checkpoint: ExtractorCheckpoint = {
      height,
      blockHash: hex(blockHash),
      chainOffset: chainOffset + certifiedBlock.length,
      stateRoot: hex(execution.stateRoot),
      hashLog: hashLog.subtrees.map(hex),
    };
    // Genesis entries first: a later write of the same key wins within one batch (both Kvs apply a
    // batch in order).
    const stateChanges = [...this.opened.genesisChanges, ...execution.stateChanges];
    this.tip = { cp: checkpoint, hashLog };
    this.opened = { ledger: this.ledger, genesisChanges: [], stale: false };
    return { batch: { checkpoint, packets, offers, stateChanges }, summary };
  }

  /**
   * Stores a prepared block in one transaction; blocks are written in the order they were
   * prepared. A failed write makes the next `prepare` start again from the store.
   */
  async write(prepared: PreparedBlock): Promise<void> {
    try {
      await this.store.commit(prepared.batch);
    } catch (err) {
      // Set, never cleared here: a block prepared meanwhile must not hide the failure.
      this.writeFailed = true;
      throw err;
    }
    this.cp = prepared.batch.checkpoint;
  }

  /**
   * Verifies a block's digest signatures with the verifier; should it fail (a worker pool that
   * cannot run), on this thread instead: a verification is never skipped.
   */
  private async verifySignatures(checks: VerifyItem[]): Promise<boolean[]> {
    try {
      const out = await this.verifier.verifyBatch(checks);
      if (out.length === checks.length) return out;
    } catch {
      // Falls through to the same checks here.
    }
    return inlineVerifier.verifyBatch(checks);
  }

  /**
   * One upload: its Table 10-3 record, its clear metadata, and the outcome of opening it (pending
   * its digest signature).
   */
  private extractUpload(
    item: Item,
    block: { height: number; header: BlockHeader; bytes: Uint8Array; chainOffset: number },
    site: SiteEntry | undefined,
  ): ExtractedUpload {
    const { env, tc, at, meta } = item;
    let storage: Uint8Array;
    try {
      storage = makeStorageRecord({
        data: { height: block.height, ...at },
        block: { segment: 0, offset: block.chainOffset, length: block.bytes.length },
        cityData: envelopePacket(env),
        chainUrl: this.chainUrl,
        tracingCode: tc,
      });
    } catch (err) {
      // No Table 10-3 record without a well-formed sealed packet; the failure is still kept.
      const outcome = failed(
        meta ? PacketFailure.MalformedPacket : PacketFailure.BadEnvelope,
        (err as Error).message,
      );
      return {
        meta: meta ?? emptyMeta(hex(tc), block.height, at.index, block.header),
        storage: new Uint8Array(0),
        pending: { outcome },
      };
    }
    if (meta === undefined)
      return {
        meta: emptyMeta(hex(tc), block.height, at.index, block.header),
        storage,
        pending: { outcome: failed(PacketFailure.BadEnvelope) },
      };
    let pending: PendingPacket;
    try {
      pending = this.opener.openPending(env, meta, site);
    } catch (err) {
      // Whatever one packet holds must not stop extraction: it is recorded, with the error.
      pending = { outcome: failed(PacketFailure.MalformedPacket, `open failed: ${(err as Error).message}`) };
    }
    return { meta, storage, pending };
  }

  /**
   * Processes the stream from the next height until `signal` aborts or the source ends. Block N+1
   * is verified, executed and opened while block N's transaction is written (one write in flight,
   * in order); `onBlock` is called once a block is stored, and the last write has settled when
   * this returns or throws.
   */
  async follow(
    source: ChainSource,
    signal?: AbortSignal,
    onBlock?: (s: BlockSummary) => void,
  ): Promise<void> {
    let writing: Promise<void> = Promise.resolve();
    try {
      for await (const b of source.blocks(this.nextHeight, signal)) {
        if (b.height < this.nextHeight) continue; // a resumed stream may repeat the last block
        const prepared = await this.prepare(b.height, b.certifiedBlock);
        await writing;
        writing = this.write(prepared).then(() => onBlock?.(prepared.summary));
        // Handled here so a failure while the next block is prepared is not an unhandled
        // rejection; it is still thrown by the next `await writing`.
        writing.catch(() => {});
        if (signal?.aborted) break;
      }
    } finally {
      await writing;
    }
  }

  private verify(height: number, certifiedBlock: Uint8Array): { block: Block; blockHash: Uint8Array } {
    let verified: ReturnType<typeof verifyCertifiedBlock>;
    try {
      verified = verifyCertifiedBlock(certifiedBlock, height, {
        chainId: this.genesis.chainId,
        validators: (h) => this.ledger.validators(h),
      });
    } catch (err) {
      if (err instanceof ApiError) throw badBlock(height, String(err.meta.check ?? err.message));
      throw err;
    }
    const { block } = verified.certified;
    const { header } = block;
    if (!bytesEqual(header.chainId, this.genesis.chainId)) throw badBlock(height, 'WRONG_CHAIN');
    // Block 1's parent is the genesis hash, the chain ID.
    if (hex(header.parentHash) !== (this.tip.cp?.blockHash ?? hex(this.genesis.chainId)))
      throw badBlock(height, 'PARENT_MISMATCH');
    // The header commits to the hashes of every block before it: the platform's own log of them.
    if (!bytesEqual(header.hashLogRoot, this.tip.hashLog.root())) throw badBlock(height, 'HASH_LOG_ROOT');
    // The header commits to the state after its parent: our execution of the chain up to there.
    const ours = this.ledger.stateRoot();
    if (!bytesEqual(header.stateRoot, ours))
      throw new PlatformError(
        PlatformErrorCode.StateRootMismatch,
        `block ${height} carries state root ${hex(header.stateRoot)}, the platform's execution gives ${hex(ours)}`,
        { height, header: hex(header.stateRoot), platform: hex(ours) },
      );
    return { block, blockHash: verified.blockHash };
  }
}
