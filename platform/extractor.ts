// The extractor (Y.4907 §8.3 storage and retrieval): takes certified blocks in height order,
// verifies each against the validator set the platform tracks itself (certificate quorum, body
// against txRoot, chain ID, parent hash), replays contract calls into the chain mirror, and writes
// one Table 10-3 storage record per KPI packet together with what opening it gave. A block that
// does not verify is refused whole and nothing of it is written; a verified block is written in
// one atomic batch with the new checkpoint, so a crash never leaves a gap or a duplicate.
import { ApiError } from '../api/errors.js';
import { verifyCertifiedBlock } from '../api/verify.js';
import { blockEnvelopeLocations } from '../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../codec/certificate.js';
import { decodeEnvelope } from '../codec/envelope.js';
import { envelopeKind, envelopePacket, envelopeRouting } from '../codec/envelope-view.js';
import { type BlockHeader, EnvelopeKind } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';
import { ChainMirror, type GenesisView } from './chain-mirror.js';
import type { ChainSource } from './chain-source.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { hex } from './hex.js';
import { failed, PacketFailure, type PacketMeta, type StoredPacket } from './outcome.js';
import type { PacketOpener } from './packet-opener.js';
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

export class Extractor {
  private constructor(
    private readonly store: PlatformStore,
    private readonly opener: PacketOpener,
    private readonly chainId: Uint8Array,
    private readonly chainUrl: string,
    private mirror: ChainMirror,
    private cp: ExtractorCheckpoint | undefined,
  ) {}

  /** Resumes from the store's checkpoint (or the genesis), restoring accepted session offers. */
  static async open(
    store: PlatformStore,
    genesis: GenesisView,
    opener: PacketOpener,
    chainUrl: string,
  ): Promise<Extractor> {
    const cp = await store.checkpoint();
    const mirror = cp ? ChainMirror.fromSnapshot(cp.mirror) : ChainMirror.fromGenesis(genesis);
    for (const offer of await store.offers()) opener.restoreOffer(offer);
    return new Extractor(store, opener, genesis.chainId, chainUrl, mirror, cp);
  }

  /** Last processed height (0 before the first block). */
  get height(): number {
    return this.cp?.height ?? 0;
  }

  /** The mirror as of the last processed block (validators, sites, SCP keys). */
  get chain(): ChainMirror {
    return this.mirror;
  }

  /** Verifies, extracts and stores the block at `height` (which must be the next one). */
  async apply(height: number, certifiedBlock: Uint8Array): Promise<BlockSummary> {
    if (height !== this.height + 1)
      throw new PlatformError(
        PlatformErrorCode.OutOfOrder,
        `got block ${height}, expected ${this.height + 1}`,
        {
          height,
          expected: this.height + 1,
        },
      );
    const { header, blockHash } = this.verify(height, certifiedBlock);
    // Work on a copy: if the write fails, the mirror in memory still matches the store.
    const mirror = ChainMirror.fromSnapshot(this.mirror.snapshot());
    const blockBytes = certifiedBlockBlockBytes(certifiedBlock);
    const chainOffset = this.cp?.chainOffset ?? 0;
    const summary: BlockSummary = { height, packets: 0, decrypted: 0, failures: {}, contractCalls: 0 };
    const packets: StoredPacket[] = [];
    const offers: Uint8Array[] = [];
    const block = { height, header, bytes: certifiedBlock, chainOffset };
    blockEnvelopeLocations(blockBytes).forEach((loc, index) => {
      const env = blockBytes.subarray(loc.offset, loc.offset + loc.length);
      const tc = tracingCode(env);
      if (envelopeKind(env) === EnvelopeKind.ContractCall) {
        summary.contractCalls++;
        mirror.applyCall(env, hex(tc), height, header.time);
        return;
      }
      const { packet, offer } = this.extractUpload(env, tc, { ...loc, index }, block, mirror);
      if (offer) offers.push(offer);
      packets.push(packet);
      summary.packets++;
      if (packet.outcome.ok) summary.decrypted++;
      else summary.failures[packet.outcome.reason] = (summary.failures[packet.outcome.reason] ?? 0) + 1;
    });
    const checkpoint: ExtractorCheckpoint = {
      height,
      blockHash: hex(blockHash),
      chainOffset: chainOffset + certifiedBlock.length,
      mirror: mirror.snapshot(),
    };
    const batch: BlockBatch = { checkpoint, packets, offers };
    await this.store.commit(batch);
    this.cp = batch.checkpoint;
    this.mirror = mirror;
    return summary;
  }

  /** One upload: its Table 10-3 record, its clear metadata, and the outcome of opening it. */
  private extractUpload(
    env: Uint8Array,
    tc: Uint8Array,
    at: { index: number; offset: number; length: number },
    block: { height: number; header: BlockHeader; bytes: Uint8Array; chainOffset: number },
    mirror: ChainMirror,
  ): { packet: StoredPacket; offer?: Uint8Array } {
    const meta = packetMeta(env, hex(tc), block.height, at.index, block.header);
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
        packet: {
          meta: meta ?? emptyMeta(hex(tc), block.height, at.index, block.header),
          storage: new Uint8Array(0),
          outcome,
        },
      };
    }
    if (meta === undefined)
      return {
        packet: {
          meta: emptyMeta(hex(tc), block.height, at.index, block.header),
          storage,
          outcome: failed(PacketFailure.BadEnvelope),
        },
      };
    let opened: ReturnType<PacketOpener['open']>;
    try {
      opened = this.opener.open(env, meta, mirror.site(meta.siteKeyId));
    } catch (err) {
      // Whatever one packet holds must not stop extraction: it is recorded, with the error.
      opened = { outcome: failed(PacketFailure.MalformedPacket, `open failed: ${(err as Error).message}`) };
    }
    return {
      packet: { meta, storage, outcome: opened.outcome },
      ...(opened.acceptedOffer ? { offer: opened.acceptedOffer } : {}),
    };
  }

  /** Processes the stream from the next height until `signal` aborts or the source ends. */
  async follow(
    source: ChainSource,
    signal?: AbortSignal,
    onBlock?: (s: BlockSummary) => void,
  ): Promise<void> {
    for await (const b of source.blocks(this.height + 1, signal)) {
      if (b.height <= this.height) continue; // a resumed stream may repeat the last block
      const summary = await this.apply(b.height, b.certifiedBlock);
      onBlock?.(summary);
      if (signal?.aborted) return;
    }
  }

  private verify(height: number, certifiedBlock: Uint8Array): { header: BlockHeader; blockHash: Uint8Array } {
    let verified: ReturnType<typeof verifyCertifiedBlock>;
    try {
      verified = verifyCertifiedBlock(certifiedBlock, height, (h) => this.mirror.validatorsAt(h));
    } catch (err) {
      if (err instanceof ApiError) throw badBlock(height, String(err.meta.check ?? err.message));
      throw err;
    }
    const { header } = verified.certified.block;
    if (!bytesEqual(header.chainId, this.chainId)) throw badBlock(height, 'WRONG_CHAIN');
    if (this.cp && header.parentHash.length > 0 && hex(header.parentHash) !== this.cp.blockHash)
      throw badBlock(height, 'PARENT_MISMATCH');
    return { header, blockHash: verified.blockHash };
  }
}

function packetMeta(
  env: Uint8Array,
  tc: string,
  height: number,
  index: number,
  header: BlockHeader,
): PacketMeta | undefined {
  try {
    const e = decodeEnvelope(env);
    if (e.kind !== EnvelopeKind.KpiUpload) return undefined;
    const r = envelopeRouting(env);
    return {
      tracingCode: tc,
      height,
      index,
      blockTime: header.time,
      envelopeTime: e.time,
      seq: e.seq,
      siteKeyId: hex(e.signerKeyId),
      country: r.country,
      city: { ...r.city },
      siteId: hex(r.siteId),
      kpiCodes: [...r.kpiCodes],
    };
  } catch {
    return undefined;
  }
}

function emptyMeta(tc: string, height: number, index: number, header: BlockHeader): PacketMeta {
  return {
    tracingCode: tc,
    height,
    index,
    blockTime: header.time,
    envelopeTime: 0,
    seq: 0,
    siteKeyId: '',
    country: 0,
    city: { scheme: 1, code: '' },
    siteId: '',
    kpiCodes: [],
  };
}
