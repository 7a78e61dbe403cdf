// Fixed-layout values of the index buckets (see buckets.ts). Big-endian, bounds-checked on read.
import { type Receipt, ReceiptStatus } from '../../ledger/execution.js';
import type { BlockLocation } from './block-log.js';
import { writeU32, writeU64 } from './buckets.js';
import { StoreError, StoreErrorCode } from './errors.js';

export { type Receipt, ReceiptStatus };

/** Table 10-3 data recorder: where an envelope sits inside its block's stored bytes. */
export interface DataRecorder {
  height: number;
  index: number;
  /** Offset of the encoded envelope inside the encoded block (codec/block-view.ts). */
  offset: number;
  length: number;
}

export interface StoredReceipt extends Receipt {
  height: number;
  index: number;
  tracingCode: Uint8Array;
}

/** Where a receipt sits: its block and the envelope's index in it (value of Bucket.Rejected). */
export interface ReceiptRef {
  height: number;
  index: number;
}

function view(b: Uint8Array, need: number, what: string): DataView {
  if (b.length !== need)
    throw new StoreError(StoreErrorCode.Corrupt, `bad ${what} value`, { bytes: b.length });
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A block's place in the log plus where its encoded block starts inside the stored CertifiedBlock. */
export interface StoredLocation extends BlockLocation {
  blockStart: number;
}

export function encodeLocation(l: StoredLocation): Uint8Array {
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint32(0, l.segment);
  v.setBigUint64(4, BigInt(l.offset));
  v.setUint32(12, l.length);
  v.setUint32(16, l.blockStart);
  return b;
}

export function decodeLocation(b: Uint8Array): StoredLocation {
  const v = view(b, 20, 'location');
  return {
    segment: v.getUint32(0),
    offset: Number(v.getBigUint64(4)),
    length: v.getUint32(12),
    blockStart: v.getUint32(16),
  };
}

/** Encodes into `out` (20 bytes; the commit carves them out of a shared buffer) and returns it. */
export function encodeDataRecorder(d: DataRecorder, out: Uint8Array = new Uint8Array(20)): Uint8Array {
  writeU64(out, 0, d.height);
  writeU32(out, 8, d.index);
  writeU32(out, 12, d.offset);
  writeU32(out, 16, d.length);
  return out;
}

export function decodeDataRecorder(b: Uint8Array): DataRecorder {
  const v = view(b, 20, 'data recorder');
  return {
    height: Number(v.getBigUint64(0)),
    index: v.getUint32(8),
    offset: v.getUint32(12),
    length: v.getUint32(16),
  };
}

export function encodeReceiptRef(r: ReceiptRef, out: Uint8Array = new Uint8Array(12)): Uint8Array {
  writeU64(out, 0, r.height);
  writeU32(out, 8, r.index);
  return out;
}

export function decodeReceiptRef(b: Uint8Array): ReceiptRef {
  const v = view(b, 12, 'receipt ref');
  return { height: Number(v.getBigUint64(0)), index: v.getUint32(8) };
}

/** All receipts of a block, packed: status u8, reason u16 per envelope, in block order. */
export function encodeReceipts(rs: Receipt[]): Uint8Array {
  const b = new Uint8Array(3 * rs.length);
  const v = new DataView(b.buffer);
  rs.forEach((r, i) => {
    v.setUint8(3 * i, r.status);
    v.setUint16(3 * i + 1, r.reason);
  });
  return b;
}

/** Unpacks a block's receipts; `leaves` (the block's tracing codes) name each one. */
export function decodeReceipts(b: Uint8Array, height: number, leaves: Uint8Array[]): StoredReceipt[] {
  view(b, 3 * leaves.length, 'receipts');
  return leaves.map((tracingCode, index) => ({ ...receiptAt(b, index), tracingCode, height, index }));
}

/** The receipt of the envelope at `index` in a block's packed receipts, without unpacking the rest. */
export function receiptAt(b: Uint8Array, index: number): Receipt {
  if (b.length % 3 !== 0 || !(index >= 0 && 3 * index < b.length))
    throw new StoreError(StoreErrorCode.Corrupt, 'no such receipt in the block', { bytes: b.length, index });
  const status = b[3 * index] as number;
  if (status !== ReceiptStatus.Applied && status !== ReceiptStatus.Rejected)
    throw new StoreError(StoreErrorCode.Corrupt, 'bad receipt status', { status });
  return { status, reason: ((b[3 * index + 1] as number) << 8) | (b[3 * index + 2] as number) };
}
