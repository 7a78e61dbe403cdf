// The layout of one envelope batch on the envelopes topic: a u32 count, then per envelope a u32
// length and its bytes (big-endian). The envelopes stay in their own codec bytes; this layer only
// groups them, because gossipsub carries few messages per second but large ones cheaply.
import { P2PError, P2PErrorCode } from './errors.js';

const U32 = 4;

/** Bytes a batch of envelopes with these lengths takes on the wire. */
export function batchSize(itemBytes: number, itemCount: number): number {
  return U32 + itemCount * U32 + itemBytes;
}

export function encodeBatch(items: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const it of items) total += it.length;
  const out = new Uint8Array(batchSize(total, items.length));
  const view = new DataView(out.buffer);
  view.setUint32(0, items.length);
  let at = U32;
  for (const it of items) {
    view.setUint32(at, it.length);
    out.set(it, at + U32);
    at += U32 + it.length;
  }
  return out;
}

/**
 * Splits a batch into views of its envelopes (no copies). Every length is checked against the
 * bytes left before it is used; `maxItems` bounds the count before any array is built.
 */
export function decodeBatch(bytes: Uint8Array, maxItems: number): Uint8Array[] {
  const bad = (why: string, meta: Record<string, number> = {}): P2PError =>
    new P2PError(P2PErrorCode.BadFrame, `envelope batch: ${why}`, meta);
  if (bytes.length < U32) throw bad('shorter than its count', { length: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0);
  if (count > maxItems || count * U32 > bytes.length - U32)
    throw bad('count out of bounds', { count, maxItems });
  const items: Uint8Array[] = [];
  let at = U32;
  for (let i = 0; i < count; i++) {
    if (at + U32 > bytes.length) throw bad('truncated length', { item: i });
    const len = view.getUint32(at);
    at += U32;
    if (len > bytes.length - at) throw bad('truncated envelope', { item: i, len });
    items.push(bytes.subarray(at, at + len));
    at += len;
  }
  if (at !== bytes.length) throw bad('trailing bytes', { trailing: bytes.length - at });
  return items;
}

/**
 * Encodes envelopes as few batches as fit `maxBytes` each, in order. An envelope that could not fit
 * a batch alone throws OVERSIZED (admission's cap keeps them far below it).
 */
export function splitBatches(items: readonly Uint8Array[], maxBytes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let bytes = 0;
  for (const it of items) {
    if (batchSize(it.length, 1) > maxBytes)
      throw new P2PError(P2PErrorCode.Oversized, 'envelope larger than a batch', {
        length: it.length,
        maxBytes,
      });
    if (group.length > 0 && batchSize(bytes + it.length, group.length + 1) > maxBytes) {
      out.push(encodeBatch(group));
      group = [];
      bytes = 0;
    }
    group.push(it);
    bytes += it.length;
  }
  if (group.length > 0) out.push(encodeBatch(group));
  return out;
}
