// Envelopes that wait in the mempool but can never be applied: their signer's sequence number is
// spent. A site that signs two envelopes with one sequence number and sends them to two nodes at
// once gets both admitted, each by the node it reached first; once a block applies one, the other
// is dead, and a node that kept it would wait for it for ever: its request timer would start a
// view change no other replica joins, and its relay would send it round again and again. So every
// node evicts such an envelope from its mempool and from the core's request table as soon as the
// block is applied, and the relay re-checks an envelope before sending it round. GetReceipt then
// answers the eviction's refusal (REPLAYED) from a bounded memory (RecentRefusals).
import { envelopeSeq, envelopeSignerKeyId } from '../../codec/envelope-view.js';
import { toHex } from '../../crypto/bytes.js';
import type { Mempool, MempoolEntry } from '../chain/mempool.js';
import type { Contracts } from '../contracts/contracts.js';
import { Reason } from '../contracts/reasons.js';
import { seqWindow } from '../contracts/registry.js';
import { checkSeq } from '../contracts/seq-window.js';
import { NodeErrorCode } from '../errors.js';

/** Reason.None while (signer, seq) may still be applied, else SeqReplayed or SeqTooOld. */
export type SeqCheck = (signer: string, seq: number) => Reason;

export function seqCheckOf(contracts: Contracts): SeqCheck {
  return (signer, seq) => checkSeq(seqWindow(contracts.state, signer), seq);
}

export interface Eviction {
  entry: MempoolEntry;
  /** Why it can never be applied: what GetReceipt answers for it. */
  message: string;
}

/**
 * The mempool entries that hold a (signer, seq) of a just-applied block's envelopes and are not
 * those envelopes (the block's own were removed from the mempool before), when the block spent
 * that sequence number. An upload refused at execution leaves its sequence number unspent: an
 * envelope waiting with the same one may still be applied, and stays.
 */
export function supersededBy(
  mempool: Mempool,
  envelopes: readonly Uint8Array[],
  ids: readonly string[],
  height: number,
  check: SeqCheck,
): Eviction[] {
  const out: Eviction[] = [];
  if (mempool.size === 0) return out;
  envelopes.forEach((bytes, i) => {
    let signer: string;
    let seq: number;
    try {
      signer = toHex(envelopeSignerKeyId(bytes));
      seq = envelopeSeq(bytes);
    } catch {
      return; // malformed: refused at execution, it spent nothing
    }
    const held = mempool.pendingSeq(signer, seq);
    const entry = held === undefined ? undefined : mempool.get(held);
    if (entry === undefined || held === ids[i] || check(signer, seq) === Reason.None) return;
    out.push({
      entry,
      message: `evicted: sequence number ${seq} was spent by envelope ${ids[i]} in block ${height}`,
    });
  });
  return out;
}

/** The entries whose sequence number is no longer fresh in their signer's replay window. */
export function spentAmong(entries: readonly MempoolEntry[], check: SeqCheck): Eviction[] {
  const out: Eviction[] = [];
  for (const entry of entries) {
    const reason = check(entry.signer, entry.seq);
    if (reason !== Reason.None)
      out.push({ entry, message: `evicted: sequence number ${entry.seq} is spent (${Reason[reason]})` });
  }
  return out;
}

export interface Refusal {
  code: NodeErrorCode;
  message: string;
}

/** Default bound of RecentRefusals: a site polls a receipt within seconds, so this covers hours. */
export const MAX_REFUSALS = 65_536;

/**
 * Why this node dropped envelopes it had admitted, by tracing code (hex), for GetReceipt. Bounded:
 * the oldest are forgotten first (their receipt is then NOT_FOUND, and a re-send is refused at
 * admission with the same reason, since the sequence number stays spent).
 */
export class RecentRefusals {
  private readonly byId = new Map<string, Refusal>();

  constructor(private readonly max = MAX_REFUSALS) {}

  get size(): number {
    return this.byId.size;
  }

  add(evictions: readonly Eviction[]): void {
    for (const e of evictions) {
      this.byId.delete(e.entry.id);
      this.byId.set(e.entry.id, { code: NodeErrorCode.Replayed, message: e.message });
      if (this.byId.size > this.max) this.byId.delete(this.byId.keys().next().value as string);
    }
  }

  get(id: string): Refusal | undefined {
    return this.byId.get(id);
  }
}
