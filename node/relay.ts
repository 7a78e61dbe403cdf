// Re-sends envelopes that wait in this node's mempool while the chain passes them over, straight
// to every connected validator. Gossip is best effort: a batch published while the mesh re-forms
// (a peer killed or restarted) or refused by a full batcher reaches no one, and only the node that
// admitted it then holds the envelope. The primary never proposes it, the other replicas never
// wait for it, and this replica alone times out into a view change that no quorum joins. PBFT
// backups forward requests to the primary for the same reason (Castro & Liskov §4.1).
//
// An envelope is relayed when the chain is stalled (no block committed for `stallMs`) or when a
// block with room to spare, proposed `passedOverMs` after the envelope arrived here, committed without
// it (the primary takes envelopes oldest first, so it did not have it). The proposal time is the
// block header's, from the primary's clock: commit time would blame the primary for a slow
// pipeline. Full blocks mean a busy primary, not a lost envelope: under overload nothing is
// relayed. `passedOverMs` is twice `stallMs` because a loaded primary may take a second or more
// to admit a gossiped batch (its admissions run one batch at a time): under load the shorter wait
// relayed two copies per envelope uploaded in the crash-fault test. Each envelope waits the
// relevant time before its first relay and twice as long before each
// next one (capped at 8x), so a primary that is merely slow to admit gossip is not flooded.
// Before sending, the due envelopes are screened: one whose sequence number is spent (another
// envelope took it, or the signer's window moved past it) or whose signer admission would now
// refuse (site suspended or revoked since) can never be applied, so every other node refuses it
// and only this one would wait for it; it is evicted instead (node/admission/evictions.ts).
import type { ChainParams } from '../codec/types.js';
import type { Mempool, MempoolEntry } from './chain/mempool.js';

export interface RelayOptions {
  intervalMs: number;
  stallMs: number;
  passedOverMs: number;
  /** Most envelopes relayed per round (bounds the burst after a long stall). */
  maxPerRound: number;
}

/** Waits two processing periods or half a view timeout, whichever is longer, before relaying. */
export function relayOptionsOf(chain: Pick<ChainParams, 'periodMs' | 'viewTimeoutMs'>): RelayOptions {
  const stallMs = Math.max(2 * chain.periodMs, Math.ceil(chain.viewTimeoutMs / 2));
  return {
    stallMs,
    passedOverMs: 2 * stallMs,
    intervalMs: Math.max(50, Math.min(1000, Math.ceil(stallMs / 3))),
    maxPerRound: 2048,
  };
}

/** A block well below both limits: its primary had no more envelopes waiting. */
export function blockHasRoom(
  envelopes: readonly Uint8Array[],
  limits: Pick<ChainParams, 'maxBlockEnvelopes' | 'maxBlockBytes'>,
): boolean {
  if (envelopes.length >= 0.9 * limits.maxBlockEnvelopes) return false;
  let bytes = 0;
  for (const e of envelopes) bytes += e.length;
  return bytes < 0.9 * limits.maxBlockBytes;
}

/** What the relay knows of the chain's progress, in ms on the node's clock. */
export interface Progress {
  lastCommitAt: number;
  /** Proposal time (header time) of the last committed block that had room for more envelopes. */
  lastSpareProposedAt: number;
}

/** The envelopes due for a relay now, oldest first, at most `maxPerRound`. */
export function dueForRelay(
  mempool: Mempool,
  now: number,
  progress: Progress,
  o: RelayOptions,
): MempoolEntry[] {
  const stalled = now - progress.lastCommitAt >= o.stallMs;
  const due: MempoolEntry[] = [];
  // Under load (blocks committing, none with room since the oldest arrived) nothing can be due:
  // skip the walk over a mempool that may hold 10^5 envelopes.
  const oldest = mempool.values().next();
  if (oldest.done === true) return due;
  if (!stalled && progress.lastSpareProposedAt - (oldest.value.arrivedAt ?? now) < o.passedOverMs) return due;
  for (const e of mempool.values()) {
    const arrived = e.arrivedAt ?? now;
    // Arrival order: everything after this one is younger still.
    if (now - arrived < o.stallMs || due.length >= o.maxPerRound) break;
    const since = Math.max(arrived, e.relayedAt ?? arrived);
    const backoff = 2 ** Math.min(e.relays ?? 0, 3);
    const passedOver = progress.lastSpareProposedAt - since >= o.passedOverMs * backoff;
    if (passedOver || (stalled && now - since >= o.stallMs * backoff)) due.push(e);
  }
  return due;
}

export interface RelayDeps {
  mempool: Mempool;
  now: () => number;
  /** Sends to every connected validator; resolves with how many took them. */
  send(envelopes: Uint8Array[]): Promise<number>;
  /** The due envelopes still worth relaying; the others, which can never be applied, it evicts. */
  screen?(due: MempoolEntry[]): MempoolEntry[];
  onError(err: unknown): void;
}

export class EnvelopeRelay {
  readonly name = 'relay';
  private readonly progress: Progress;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy = false;
  private readonly options: () => RelayOptions;
  /** Envelopes relayed so far (a metric and a test hook). */
  relayed = 0;

  /**
   * `opts` as a function is read at every round: the chain's timing is a governance parameter, and
   * a change applies at its activation height without a restart, as it does in the consensus core.
   */
  constructor(
    private readonly deps: RelayDeps,
    opts: RelayOptions | (() => RelayOptions),
  ) {
    this.options = typeof opts === 'function' ? opts : () => opts;
    const t = deps.now();
    this.progress = { lastCommitAt: t, lastSpareProposedAt: Number.NEGATIVE_INFINITY };
  }

  /**
   * A block committed. `proposedAt`: its header time; `spare`: it had room for more envelopes
   * than it carried.
   */
  noteCommitted(proposedAt: number, spare: boolean): void {
    this.progress.lastCommitAt = this.deps.now();
    if (spare && proposedAt > this.progress.lastSpareProposedAt)
      this.progress.lastSpareProposedAt = proposedAt;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The next round after the interval in force now (it follows the chain's parameters). */
  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.round()
        .catch((err: unknown) => this.deps.onError(err))
        .finally(() => {
          if (this.running) this.schedule();
        });
    }, this.options().intervalMs);
  }

  /** One relay round; returns how many envelopes went out (0 while a round is still sending). */
  async round(): Promise<number> {
    if (this.busy) return 0;
    const now = this.deps.now();
    const found = dueForRelay(this.deps.mempool, now, this.progress, this.options());
    const due = found.length > 0 && this.deps.screen ? this.deps.screen(found) : found;
    if (due.length === 0) return 0;
    this.busy = true;
    try {
      const peers = await this.deps.send(due.map((e) => e.bytes));
      // Nobody connected: try again next round rather than wait a full stall period.
      if (peers === 0) return 0;
      for (const e of due) {
        e.relayedAt = now;
        e.relays = (e.relays ?? 0) + 1;
      }
      this.relayed += due.length;
      return due.length;
    } catch (err) {
      this.deps.onError(err);
      return 0;
    } finally {
      this.busy = false;
    }
  }
}
