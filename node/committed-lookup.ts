// Which envelopes of a proposed block a block already holds, looked up in the store before the
// core's synchronous block validation needs the answer (as pre-verification does for signatures):
// a faulty primary could propose an envelope committed long ago, and only admission enforced "one
// tracing code, one block". The store's index is asynchronous, so the driver looks a PRE-PREPARE's
// (or NEW-VIEW's) envelopes up when the message arrives and validation reads the answer from
// memory. A block committed between the lookup and the validation is in the core's own memory of
// recently committed envelopes (the last L blocks), which refuses a repeat of it.
import { envelopeSeq, envelopeSignerKeyId } from '../codec/envelope-view.js';
import { Reason } from '../ledger/reasons.js';
import { hex } from './admission/admission.js';
import type { SeqCheck } from './admission/evictions.js';
import type { Mempool } from './chain/mempool.js';
import { envelopeTracingCode } from './chain/tx-hash.js';

/** Bound of the set of tracing codes found in a block; cleared when exceeded (honest primaries add none). */
export const MAX_FOUND_COMMITTED = 65_536;

export interface CommittedLookupDeps {
  mempool: Mempool;
  seqCheck: SeqCheck;
  /** Store.recorded: for each code, what a block recorded for it, undefined when none holds it. */
  recorded(tracingCodes: Uint8Array[], rejectedOnly: boolean): Promise<unknown[]>;
  /** Tracing codes (hex) found in a block: block validation refuses a block repeating one. */
  found: Set<string>;
}

/**
 * Looks up the envelopes not in the mempool (admission made sure no block held those). One whose
 * sequence number is unspent can only be in a block that refused it at execution, which the store
 * answers without a read while no envelope was ever refused so.
 */
export async function lookUpCommitted(
  envelopes: readonly Uint8Array[],
  d: CommittedLookupDeps,
): Promise<void> {
  const groups: [Uint8Array[], Uint8Array[]] = [[], []]; // [unspent, spent or malformed]
  for (const bytes of envelopes) {
    const tc = envelopeTracingCode(bytes);
    if (d.mempool.has(hex(tc))) continue;
    let spent = true;
    try {
      spent = d.seqCheck(hex(envelopeSignerKeyId(bytes)), envelopeSeq(bytes)) !== Reason.None;
    } catch {
      // Malformed: block validation refuses it anyway; looked up in full.
    }
    groups[spent ? 1 : 0].push(tc);
  }
  for (const [i, tcs] of groups.entries()) {
    if (tcs.length === 0) continue;
    const found = await d.recorded(tcs, i === 0);
    if (d.found.size + tcs.length > MAX_FOUND_COMMITTED) d.found.clear();
    tcs.forEach((tc, k) => {
      if (found[k] !== undefined) d.found.add(hex(tc));
    });
  }
}
