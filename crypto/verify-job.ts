// Packing a slice of a verification batch into one transferable buffer for a worker (layout in
// verify-worker-source.ts). Items with a key or signature of the wrong size are not sent: they
// are false without asking anyone.
import { ED25519_PUBLIC_LENGTH, ED25519_SIGNATURE_LENGTH } from './ed25519.js';

export interface VerifyItem {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

const ITEM_HEADER = 100;

export function wellSized(item: VerifyItem): boolean {
  return (
    item.publicKey.length === ED25519_PUBLIC_LENGTH && item.signature.length === ED25519_SIGNATURE_LENGTH
  );
}

/** Packs items[indexes] in order; the worker answers one byte per packed item. */
export function packJob(items: readonly VerifyItem[], indexes: readonly number[]): ArrayBuffer {
  let total = 0;
  for (const i of indexes) total += ITEM_HEADER + items[i]!.message.length;
  const buf = new ArrayBuffer(total);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  let at = 0;
  for (const i of indexes) {
    const it = items[i]!;
    bytes.set(it.publicKey, at);
    bytes.set(it.signature, at + 32);
    view.setUint32(at + 96, it.message.length, true);
    bytes.set(it.message, at + ITEM_HEADER);
    at += ITEM_HEADER + it.message.length;
  }
  return buf;
}

/** Splits `count` indexes into at most `parts` contiguous runs of at least `minRun` each. */
export function splitRuns(indexes: readonly number[], parts: number, minRun: number): number[][] {
  const n = Math.max(1, Math.min(parts, Math.floor(indexes.length / minRun)));
  const size = Math.ceil(indexes.length / n);
  const runs: number[][] = [];
  for (let at = 0; at < indexes.length; at += size) runs.push(indexes.slice(at, at + size));
  return runs;
}
