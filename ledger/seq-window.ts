// Per-signer replay protection: a high-water mark plus a bitmap of the last WINDOW sequence numbers,
// so envelopes may arrive slightly out of order (several nodes, gossip) but none is applied twice.
import { Reason } from './reasons.js';

/**
 * How far below the high-water mark a sequence number is still accepted (if unseen). Wide enough
 * for four full site upload batches (256 each) to commit out of order: an envelope whose gossip
 * was lost reaches the primary only by relay or a view change, seconds later, while the site's
 * next batches commit. 64 made such envelopes stale (SeqTooOld) under load (crash-fault test).
 * Costs 128 bytes of state per site.
 */
export const SEQ_WINDOW = 1024;
const WINDOW_MASK = (1n << BigInt(SEQ_WINDOW)) - 1n;

export interface SeqWindow {
  /** Highest sequence number applied (0: none yet). */
  hwm: number;
  /** Bit i set: sequence number hwm - i has been applied. */
  mask: bigint;
}

export const EMPTY_WINDOW: SeqWindow = { hwm: 0, mask: 0n };

/** Reason.None when seq may be applied, else SeqReplayed / SeqTooOld. */
export function checkSeq(w: SeqWindow, seq: number): Reason {
  if (!Number.isSafeInteger(seq) || seq < 1) return Reason.SeqTooOld;
  if (seq > w.hwm) return Reason.None;
  const back = w.hwm - seq;
  if (back >= SEQ_WINDOW) return Reason.SeqTooOld;
  return (w.mask >> BigInt(back)) & 1n ? Reason.SeqReplayed : Reason.None;
}

/** The window after applying seq (which checkSeq accepted). */
export function recordSeq(w: SeqWindow, seq: number): SeqWindow {
  if (seq > w.hwm) {
    const shift = seq - w.hwm;
    const mask = shift >= SEQ_WINDOW ? 1n : ((w.mask << BigInt(shift)) | 1n) & WINDOW_MASK;
    return { hwm: seq, mask };
  }
  return { hwm: w.hwm, mask: w.mask | (1n << BigInt(w.hwm - seq)) };
}
