// Envelope byte arrays that a committed block holds, with the receipt the block recorded for each,
// remembered per array. Under load a replica rebuilds a proposed block from envelopes still
// waiting in its gossip admission queue (node/gossip-backlog.ts); the block commits before the
// queue reaches them, and admission then decoded, authorized and looked each one up in the store
// only to answer ALREADY_COMMITTED. Admission of gossip asks here first: the same array object
// holds the same bytes (envelope bytes are never modified once received), so the block's receipt
// is the answer the store would give. Keyed by the array object (a WeakMap), so nothing outlives
// the envelope; arrays the node never saw in a block are simply absent.
import type { Receipt } from '../../ledger/execution.js';

const committed = new WeakMap<Uint8Array, Receipt>();

/** A block committed durably: `receipts[i]` is what it recorded for `envelopes[i]`. */
export function rememberCommitted(envelopes: readonly Uint8Array[], receipts: readonly Receipt[]): void {
  const n = Math.min(envelopes.length, receipts.length);
  for (let i = 0; i < n; i++) committed.set(envelopes[i]!, receipts[i]!);
}

/** The receipt a committed block recorded for this very array; undefined when none is known. */
export function committedReceiptOf(bytes: Uint8Array): Receipt | undefined {
  return committed.get(bytes);
}
