// Turns one committed block (its facts and its execution result) into the single atomic batch of
// index writes: block location, header, certificate, Merkle leaves, hash, per-envelope indexes,
// receipts, contract state changes, state root, and the new tip — all or nothing.
import type { CityCode } from '../../codec/types.js';
import type { BlockLocation } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, u16, u64 } from './buckets.js';
import type { DbOp } from './db.js';
import { chunkLevel } from './proof.js';
import { encodeDataRecorder, encodeLocation, encodeReceipts, type Receipt, ReceiptStatus } from './values.js';

/** What the indexes need from a KPI upload's clear routing metadata. */
export interface UploadFacts {
  time: number;
  country: number;
  city: CityCode;
  siteId: Uint8Array;
  kpiCodes: number[];
}

export interface EnvelopeFacts {
  tracingCode: Uint8Array;
  /** Offset and length of the encoded envelope inside the encoded block. */
  offset: number;
  length: number;
  /** Present for KPI uploads only. */
  upload?: UploadFacts;
}

export interface BlockFacts {
  height: number;
  hash: Uint8Array;
  headerBytes: Uint8Array;
  certificateBytes: Uint8Array;
  /** Offset of the encoded block inside the stored CertifiedBlock (data recorder offsets are relative to the block). */
  blockStart: number;
  envelopes: EnvelopeFacts[];
}

/** A contract-state write: value undefined deletes. Keys are within the ContractState bucket. */
export interface StateChange {
  key: Uint8Array;
  value: Uint8Array | undefined;
}

/** What executing a block produced; the store persists it atomically with the block's index. */
export interface ExecutionResult {
  /** One per envelope, in block order. */
  receipts: Receipt[];
  stateChanges: StateChange[];
  /** State root after this block. */
  stateRoot: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const enc = new TextEncoder();

export function cityKeyPart(country: number, city: CityCode): Uint8Array {
  const code = enc.encode(city.code);
  const out = new Uint8Array(4 + code.length);
  out.set(u16(country), 0);
  out[2] = city.scheme;
  out[3] = code.length;
  out.set(code, 4);
  return out;
}

export function indexOps(facts: BlockFacts, loc: BlockLocation, exec: ExecutionResult): DbOp[] {
  const h = u64(facts.height);
  const leaves = new Uint8Array(32 * facts.envelopes.length);
  const receipts = facts.envelopes.map(
    (_, i) => exec.receipts[i] ?? { status: ReceiptStatus.Applied, reason: 0 },
  );
  const ops: DbOp[] = [
    {
      type: 'put',
      key: key(Bucket.BlockLocation, h),
      value: encodeLocation({ ...loc, blockStart: facts.blockStart }),
    },
    { type: 'put', key: key(Bucket.Header, h), value: facts.headerBytes },
    { type: 'put', key: key(Bucket.Certificate, h), value: facts.certificateBytes },
    { type: 'put', key: key(Bucket.BlockHash, facts.hash), value: h },
  ];
  const cities = new Map<string, Uint8Array>();
  facts.envelopes.forEach((e, index) => {
    leaves.set(e.tracingCode, 32 * index);
    const receipt = receipts[index] as Receipt;
    // Only applied envelopes are findable by tracing code: a rejected one (e.g. a replay of an
    // applied envelope) must not shadow the applied copy; its receipt records it.
    if (receipt.status !== ReceiptStatus.Applied) return;
    const recorder = { height: facts.height, index, offset: e.offset, length: e.length };
    ops.push({ type: 'put', key: key(Bucket.Trace, e.tracingCode), value: encodeDataRecorder(recorder) });
    if (e.upload === undefined) return;
    const t = u64(e.upload.time);
    ops.push({ type: 'put', key: key(Bucket.SiteTime, e.upload.siteId, t, e.tracingCode), value: EMPTY });
    // A block's uploads come from few cities: build each city key part once per block.
    const cityId = `${e.upload.country}|${e.upload.city.scheme}|${e.upload.city.code}`;
    let city = cities.get(cityId);
    if (city === undefined) {
      city = cityKeyPart(e.upload.country, e.upload.city);
      cities.set(cityId, city);
    }
    for (const kpi of e.upload.kpiCodes)
      ops.push({ type: 'put', key: key(Bucket.CityKpiTime, city, u16(kpi), t, e.tracingCode), value: EMPTY });
  });
  ops.push({ type: 'put', key: key(Bucket.Leaves, h), value: leaves });
  ops.push({
    type: 'put',
    key: key(Bucket.ChunkLevel, h),
    value: chunkLevel(facts.envelopes.map((e) => e.tracingCode)),
  });
  ops.push({ type: 'put', key: key(Bucket.Receipt, h), value: encodeReceipts(receipts) });
  for (const c of exec.stateChanges) {
    const k = key(Bucket.ContractState, c.key);
    ops.push(c.value === undefined ? { type: 'del', key: k } : { type: 'put', key: k, value: c.value });
  }
  ops.push({ type: 'put', key: key(Bucket.StateRoot, h), value: exec.stateRoot });
  ops.push({ type: 'put', key: metaKey(MetaKey.Tip), value: h });
  return ops;
}
