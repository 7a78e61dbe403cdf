// What the extractor derives from a block without judging it: the clear metadata of an upload
// envelope, the placeholder metadata of an envelope that is not one, and the block-hash log
// frontier a checkpoint resumes from.
import { decodeEnvelope } from '../codec/envelope.js';
import { envelopeRouting } from '../codec/envelope-view.js';
import { type BlockHeader, EnvelopeKind } from '../codec/types.js';
import { LogFrontier } from '../crypto/hash-log.js';
import type { LedgerGenesis } from '../ledger/genesis.js';
import { hex, unhex } from './hex.js';
import type { PacketMeta } from './outcome.js';
import type { ExtractorCheckpoint } from './store.js';

/** The block-hash log over blocks 0..checkpoint height: leaf 0 the genesis hash (chain ID). */
export function hashLogOf(genesis: LedgerGenesis, cp: ExtractorCheckpoint | undefined): LogFrontier {
  if (cp === undefined) {
    const f = LogFrontier.empty();
    f.append(genesis.chainId);
    return f;
  }
  return LogFrontier.of(
    cp.height + 1,
    cp.hashLog.map((h) => unhex(h, 32, 'checkpoint hash log')),
  );
}

export function packetMeta(
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

export function emptyMeta(tc: string, height: number, index: number, header: BlockHeader): PacketMeta {
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
