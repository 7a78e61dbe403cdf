// Turns one committed block (its facts and its execution result) into the single atomic batch of
// index writes: block location, header, certificate, Merkle leaves, hash, per-envelope indexes,
// receipts (and where each rejected one is), contract state changes, state root, and the new tip —
// all or nothing. Recovery re-indexes a block through this same function, so every bucket
// written here is rebuilt with it.
import type { CityCode } from '../../codec/types.js';
import type { ExecutionResult, StateChange } from '../../ledger/execution.js';
import type { BlockLocation } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, u16, u64, writeU64 } from './buckets.js';
import type { DbOp } from './db.js';
import {
  encodeDataRecorder,
  encodeLocation,
  encodeReceiptRef,
  encodeReceipts,
  type Receipt,
  ReceiptStatus,
} from './values.js';

// Execution results are the ledger's (ledger/execution.ts); the store persists them with the
// block's index: state changes go to the ContractState bucket.
export type { ExecutionResult, StateChange };

/**
 * A block's execution as the store indexes it. `validatorProof`: when a validator set activates
 * at height + 1, the encoded bucket proof of "gov/validators" against this block's header
 * (node/validator-proofs.ts), written in the block's own batch so a block is never indexed
 * without it, by a live commit or by recovery.
 */
export interface BlockExecution extends ExecutionResult {
  validatorProof?: { activation: number; proof: Uint8Array };
}

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
  /** The Merkle tree's chunk level over the tracing codes (proof.ts). */
  chunkLevel: Uint8Array;
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

/**
 * The per-envelope keys and values of one block, carved out of a few large buffers instead of one
 * small array each: the LevelDB binding has to move every small (V8 on-heap) array off the heap
 * before it can read it, and the block's thousands of tiny arrays were much of a commit's garbage.
 * Measured with the chained batch: 2-3x less main-thread time per operation than separate arrays.
 */
class Arena {
  private buf = new Uint8Array(0);
  private at = 0;

  take(n: number): Uint8Array {
    if (this.at + n > this.buf.length) {
      this.buf = new Uint8Array(Math.max(64 * 1024, n));
      this.at = 0;
    }
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/** bucket ‖ prefix ‖ [kpi u16] ‖ time u64 ‖ tracing code: the layout of SiteTime and CityKpiTime keys. */
function timeKey(
  a: Arena,
  bucket: Bucket,
  prefix: Uint8Array,
  kpi: number | undefined,
  time: number,
  tc: Uint8Array,
): Uint8Array {
  const k = a.take(1 + prefix.length + (kpi === undefined ? 0 : 2) + 8 + 32);
  k[0] = bucket;
  k.set(prefix, 1);
  let o = 1 + prefix.length;
  if (kpi !== undefined) {
    k[o] = kpi >>> 8;
    k[o + 1] = kpi & 0xff;
    o += 2;
  }
  writeU64(k, o, time);
  k.set(tc, o + 8);
  return k;
}

/** Trace key and data recorder value of an applied envelope (layouts in buckets.ts / values.ts). */
function traceOp(a: Arena, tc: Uint8Array, height: number, index: number, e: EnvelopeFacts): DbOp {
  const k = a.take(33);
  k[0] = Bucket.Trace;
  k.set(tc, 1);
  const recorder = { height, index, offset: e.offset, length: e.length };
  return { type: 'put', key: k, value: encodeDataRecorder(recorder, a.take(20)) };
}

/**
 * Rejected key and receipt ref of a rejected envelope. A later rejection of the same code in a later
 * block (or later in the same batch) overwrites it: the latest execution record is the one to show.
 */
function rejectedOp(a: Arena, tc: Uint8Array, height: number, index: number): DbOp {
  const k = a.take(33);
  k[0] = Bucket.Rejected;
  k.set(tc, 1);
  return { type: 'put', key: k, value: encodeReceiptRef({ height, index }, a.take(12)) };
}

export function indexOps(facts: BlockFacts, loc: BlockLocation, exec: BlockExecution): DbOp[] {
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
  const arena = new Arena();
  const cities = new Map<string, Uint8Array>();
  facts.envelopes.forEach((e, index) => {
    leaves.set(e.tracingCode, 32 * index);
    const receipt = receipts[index] as Receipt;
    // Keys and values point into `leaves` and the arena: no per-envelope copies of the code.
    const tc = leaves.subarray(32 * index, 32 * index + 32);
    // Only applied envelopes enter Trace and the time indexes: a rejected one (e.g. a replay of an
    // applied envelope, same tracing code) must not shadow the applied copy. Its receipt is found
    // by code through Rejected instead.
    if (receipt.status !== ReceiptStatus.Applied) {
      ops.push(rejectedOp(arena, tc, facts.height, index));
      return;
    }
    ops.push(traceOp(arena, tc, facts.height, index, e));
    const up = e.upload;
    if (up === undefined) return;
    ops.push({
      type: 'put',
      key: timeKey(arena, Bucket.SiteTime, up.siteId, undefined, up.time, tc),
      value: EMPTY,
    });
    // A block's uploads come from few cities: build each city key part once per block.
    const cityId = `${up.country}|${up.city.scheme}|${up.city.code}`;
    let city = cities.get(cityId);
    if (city === undefined) {
      city = cityKeyPart(up.country, up.city);
      cities.set(cityId, city);
    }
    for (const kpi of up.kpiCodes)
      ops.push({
        type: 'put',
        key: timeKey(arena, Bucket.CityKpiTime, city, kpi, up.time, tc),
        value: EMPTY,
      });
  });
  ops.push({ type: 'put', key: key(Bucket.Leaves, h), value: leaves });
  ops.push({
    type: 'put',
    key: key(Bucket.ChunkLevel, h),
    value: facts.chunkLevel,
  });
  ops.push({ type: 'put', key: key(Bucket.Receipt, h), value: encodeReceipts(receipts) });
  // State keys too come out of the arena: each block changes one (signer) replay window per
  // uploading site, and a key of 64 bytes or less made on its own was moved off the V8 heap by
  // the binding, one native allocation each (heaptrack: the largest such site once tracing codes
  // no longer were).
  for (const c of exec.stateChanges) {
    const k = arena.take(1 + c.key.length);
    k[0] = Bucket.ContractState;
    k.set(c.key, 1);
    ops.push(c.value === undefined ? { type: 'del', key: k } : { type: 'put', key: k, value: c.value });
  }
  ops.push({ type: 'put', key: key(Bucket.StateRoot, h), value: exec.stateRoot });
  const vp = exec.validatorProof;
  if (vp !== undefined)
    ops.push({ type: 'put', key: key(Bucket.ValidatorProof, u64(vp.activation)), value: vp.proof });
  ops.push({ type: 'put', key: metaKey(MetaKey.Tip), value: h });
  return ops;
}
