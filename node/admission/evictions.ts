// Envelopes that wait in the mempool but can never be applied: their signer's sequence number is
// spent. A site that signs two envelopes with one sequence number and sends them to two nodes at
// once gets both admitted, each by the node it reached first; once a block applies one, the other
// is dead, and a node that kept it would wait for it for ever: its request timer would start a
// view change no other replica joins, and its relay would send it round again and again. So every
// node evicts such an envelope from its mempool and from the core's request table as soon as the
// block is applied, and the relay re-checks an envelope before sending it round. GetReceipt then
// answers the eviction's refusal (REPLAYED) from a bounded memory (RecentRefusals).

// The same holds for an envelope whose signer governance suspended, revoked or rotated away (or
// removed from the administrators) after admission: after a block that changed such state, the
// pending envelopes of the signers it touched are authorized again as admission would now, and
// those refused are evicted with admission's answer (UNAUTHORIZED...). The relay screens the
// envelopes it would send the same way.
import { decodeEnvelope } from '../../codec/envelope.js';
import { envelopeSeq, envelopeSignerKeyId } from '../../codec/envelope-view.js';
import type { Envelope } from '../../codec/types.js';
import { hexOfKeyId } from '../../crypto/key-id-hex.js';
import type { Contracts } from '../../ledger/contracts.js';
import { Reason } from '../../ledger/reasons.js';
import { K } from '../../ledger/records.js';
import { seqWindow } from '../../ledger/registry.js';
import { checkSeq } from '../../ledger/seq-window.js';
import type { Mempool, MempoolEntry } from '../chain/mempool.js';
import { NodeErrorCode } from '../errors.js';
import type { StateChange } from '../store/index.js';
import type { Authorization } from './admission.js';
import { type AdmissionTime, authorize } from './authorize.js';

/** Reason.None while (signer, seq) may still be applied, else SeqReplayed or SeqTooOld. */
export type SeqCheck = (signer: string, seq: number) => Reason;

export function seqCheckOf(contracts: Contracts): SeqCheck {
  return (signer, seq) => checkSeq(seqWindow(contracts.state, signer), seq);
}

export interface Eviction {
  entry: MempoolEntry;
  /** Why it can never be applied: what GetReceipt answers for it. */
  message: string;
  /** The RPC reason GetReceipt answers (REPLAYED when absent: a spent sequence number). */
  code?: NodeErrorCode;
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
      signer = hexOfKeyId(envelopeSignerKeyId(bytes));
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

/** A pending envelope authorized again against the committed state now, as admission would. */
export type Reauthorize = (entry: MempoolEntry) => Authorization;

/** Reauthorize with admission's own authorize(), at the time and height `at` gives. */
export function reauthorizer(contracts: Contracts, at: () => AdmissionTime): Reauthorize {
  return (entry) => {
    let env: Envelope;
    try {
      env = decodeEnvelope(entry.bytes);
    } catch (err) {
      return { ok: false, code: NodeErrorCode.Malformed, message: (err as Error).message };
    }
    return authorize(contracts, env, at());
  };
}

const enc = new TextEncoder();
const SITE_PREFIX = enc.encode(K.site(''));
const ADMINS_KEY = enc.encode(K.admins);

const startsWith = (b: Uint8Array, prefix: Uint8Array): boolean =>
  b.length >= prefix.length && prefix.every((x, i) => b[i] === x);
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && startsWith(a, b);

/**
 * The pending envelopes a just-applied block (at `height`) may have made unauthorized, from its
 * state changes: those of a site whose record changed (suspended, revoked, rotated away, resumed),
 * and, when the administrators changed, those of every signer that is not a site (contract calls
 * are signed by administrators); all of them when the envelope bounds admission applies next
 * (height + 1) are tighter than before. Empty, without walking the mempool, for a block that
 * changed none of these (every block of uploads: only sequence windows change).
 */
export function toReauthorize(
  mempool: Mempool,
  changes: readonly StateChange[],
  contracts: Contracts,
  height: number,
): MempoolEntry[] {
  if (mempool.size === 0) return [];
  const sites = new Set<string>();
  let admins = false;
  for (const c of changes) {
    if (startsWith(c.key, SITE_PREFIX))
      sites.add(new TextDecoder().decode(c.key.subarray(SITE_PREFIX.length)));
    else if (sameBytes(c.key, ADMINS_KEY)) admins = true;
  }
  const before = contracts.bounds(height);
  const after = contracts.bounds(height + 1);
  const all = after.maxSeqGap < before.maxSeqGap || after.maxEnvelopeFutureMs < before.maxEnvelopeFutureMs;
  if (!all && sites.size === 0 && !admins) return [];
  const out: MempoolEntry[] = [];
  for (const e of mempool.values())
    if (all || sites.has(e.signer) || (admins && contracts.state.get(K.site(e.signer)) === undefined))
      out.push(e);
  return out;
}

/** The entries admission would refuse now, with its answer. */
export function refusedAmong(entries: readonly MempoolEntry[], reauthorize: Reauthorize): Eviction[] {
  const out: Eviction[] = [];
  for (const entry of entries) {
    const auth = reauthorize(entry);
    if (!auth.ok) out.push({ entry, code: auth.code, message: `evicted: ${auth.message}` });
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
      this.byId.set(e.entry.id, { code: e.code ?? NodeErrorCode.Replayed, message: e.message });
      if (this.byId.size > this.max) this.byId.delete(this.byId.keys().next().value as string);
    }
  }

  get(id: string): Refusal | undefined {
    return this.byId.get(id);
  }
}
