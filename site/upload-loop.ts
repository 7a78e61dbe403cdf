// Moves envelopes from the durable outbox to the chain and removes them once committed. Driven
// one step at a time: step(now) does at most one upload call and one round of receipt polls and
// returns how long to wait before the next step, so tests run it with a fake clock and no sleeps.
// Re-sending is always safe: an outbox entry is byte-identical on every attempt, so the chain
// answers "already pending" or "already committed" and nothing is committed twice. An entry
// refused as REPLAYED, or as signed with a key rotated out, or refused when its block executed
// (final for that envelope: the chain never takes it again), is handed to the re-maker
// (remaker.ts) instead of being given up.
//
// Offer gate: while an entry whose record carries a session offer waits in the outbox, only such
// entries are sent. The SCP can open a session-sealed packet only once it has seen the offer, and
// it reads packets in commit order; without the gate, an offer packet lost by a node (or re-made
// under a higher seq) would commit after the packets sealed with its session, which the SCP could
// then never open. It costs one commit round trip per new session (at start and every rotation).
import { ApiErrorCode } from '../api/errors.js';
import type { Logger } from '../runtime/log.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import {
  executionRemakeCause,
  type RemakeCause,
  type Remaker,
  remakeCause,
  seqHeldByPending,
} from './remaker.js';
import type { SiteCounters } from './status.js';
import type { Uploader, UploadOutcome } from './uploader.js';

type Refusal = Extract<UploadOutcome, { kind: 'rejected' }>;

export interface UploadLoopOptions {
  /** Envelopes per UploadBatch call. */
  maxBatch: number;
  /** How often admitted envelopes are checked for commitment, ms. */
  receiptPollMs: number;
  /** Receipt calls per step, so a large backlog does not stall uploads. */
  maxReceiptsPerStep: number;
  backoff: BackoffOptions;
  /** Most times one reading is re-made under a new seq after REPLAYED refusals (default 3). */
  maxRemakes?: number;
}

export interface UploadLoopDeps {
  outbox: Outbox;
  uploader: Uploader;
  counters: SiteCounters;
  /** Re-makes readings refused as REPLAYED; without it they are rejected like any refusal. */
  remaker?: Remaker;
  rand: () => number;
  log: Logger;
}

export class UploadLoop {
  /** seq -> time the chain admitted it (not persisted: after a restart everything is re-sent once). */
  private readonly admitted = new Map<number, number>();
  private failures = 0;
  private notBefore = 0;
  private nextReceiptPoll = 0;

  constructor(
    private readonly deps: UploadLoopDeps,
    private readonly opts: UploadLoopOptions,
  ) {}

  /** Runs one step at `now` (UTC ms); returns the ms to wait before the next. */
  async step(now: number): Promise<number> {
    if (now < this.notBefore) return this.notBefore - now;
    try {
      const toSend = this.sendable().slice(0, this.opts.maxBatch);
      let retryAfter = 0;
      if (toSend.length > 0) retryAfter = await this.send(toSend, now);
      if (now >= this.nextReceiptPoll) {
        await this.pollReceipts(now);
        this.nextReceiptPoll = now + this.opts.receiptPollMs;
      }
      if (retryAfter > 0) return this.fail(now, 'chain asked to retry later', retryAfter);
      // Clear only the error this loop reported: a sealing deferral (outbox full) stays visible.
      if (this.failures > 0) this.deps.counters.set({ lastError: '' });
      this.failures = 0;
    } catch (err) {
      return this.fail(now, err instanceof Error ? err.message : String(err), 0);
    } finally {
      this.deps.counters.set({
        outboxDepth: this.deps.outbox.depth(),
        outboxBytes: this.deps.outbox.bytes(),
      });
    }
    if (this.hasSendable()) return 0;
    return this.deps.outbox.depth() > 0 ? Math.max(0, this.nextReceiptPoll - now) : this.opts.receiptPollMs;
  }

  /** Entries to send now, in seq order: not admitted yet, and past the offer gate. */
  private sendable(): OutboxEntry[] {
    const { outbox } = this.deps;
    const offers = outbox.sessionOfferSeqs();
    const candidates = offers.length > 0 ? offers.flatMap((s) => outbox.get(s) ?? []) : outbox.entries();
    return candidates.filter((e) => !this.admitted.has(e.seq));
  }

  /** sendable().length > 0, without sorting the whole outbox. */
  private hasSendable(): boolean {
    const { outbox } = this.deps;
    const offers = outbox.sessionOfferSeqs();
    if (offers.length > 0) return offers.some((s) => !this.admitted.has(s));
    return outbox.depth() > this.admitted.size;
  }

  /** Number of consecutive failed steps (0 when the last step succeeded). */
  consecutiveFailures(): number {
    return this.failures;
  }

  /** Uploads one batch; returns the largest retry hint of any entry the chain deferred. */
  private async send(batch: OutboxEntry[], now: number): Promise<number> {
    const outcomes = await this.deps.uploader.uploadBatch(batch.map((e) => e.envelope));
    let retryAfter = 0;
    const refused: [OutboxEntry, Refusal][] = [];
    const refusedAtExecution: [OutboxEntry, string][] = [];
    for (const [i, e] of batch.entries()) {
      const o: UploadOutcome = outcomes[i] ?? { kind: 'retry', reason: 'no result', retryAfterMs: 0 };
      switch (o.kind) {
        case 'admitted':
          this.admitted.set(e.seq, now);
          this.deps.counters.add('uploaded');
          break;
        case 'committed':
          this.deps.counters.add('uploaded');
          this.commit(e);
          break;
        case 'refused':
          refusedAtExecution.push([e, o.reason]);
          break;
        case 'rejected':
          refused.push([e, o]);
          break;
        case 'retry':
          retryAfter = Math.max(retryAfter, o.retryAfterMs, 1);
          break;
      }
    }
    // After every outcome is recorded: a re-make that fails (no SCP key...) fails the step, and
    // the entry, still in the outbox, is sent and refused again after the backoff.
    for (const [e, o] of refused) await this.refused(e, o, now);
    for (const [e, reason] of refusedAtExecution) await this.refusedAtExecution(e, reason, now);
    return retryAfter;
  }

  /**
   * An entry its block refused when it executed (the receipt's result, or ALREADY_COMMITTED with
   * that result to a re-send). That envelope is final: the chain never takes it again. The
   * reading is made anew under a new seq, and admission judges the new envelope: a refusal that
   * lasts (the site still suspended, revoked...) comes back there and is handled like any other.
   */
  private async refusedAtExecution(e: OutboxEntry, reason: string, now: number): Promise<void> {
    this.admitted.delete(e.seq);
    this.deps.log.warn(
      { seq: e.seq, tracingCode: e.tracingCode, reason },
      'chain refused envelope at execution',
    );
    await this.remakeOrReject(
      e,
      executionRemakeCause(reason),
      reason,
      `refused at execution: ${reason}`,
      now,
    );
  }

  /** An entry the chain refused: re-made when its refusal allows it and it can be, else rejected/. */
  private async refused(e: OutboxEntry, o: Refusal, now: number): Promise<void> {
    const cause = remakeCause(o.reason, o.message);
    if (cause !== undefined && this.deps.remaker) {
      if (cause === 'replayed' && seqHeldByPending(o.message)) {
        // Not admitted, but handled like it: the receipt poll finds it unknown and sends it again.
        this.admitted.set(e.seq, now);
        this.deps.log.warn(
          {
            seq: e.seq,
            tracingCode: e.tracingCode,
            message: o.message,
          },
          'sequence number held by another pending envelope; will send again',
        );
        return;
      }
      await this.remakeOrReject(e, cause, o.reason, o.message, now);
      return;
    }
    this.reject(e, o.reason, o.message, '');
  }

  private async remakeOrReject(
    e: OutboxEntry,
    cause: RemakeCause,
    reason: string,
    message: string,
    now: number,
  ): Promise<void> {
    const r = this.deps.remaker
      ? await this.deps.remaker.remake(e, now, cause)
      : { kind: 'refused' as const, why: 'no re-maker' };
    if (r.kind === 'refused') this.reject(e, reason, message, r.why);
  }

  private reject(e: OutboxEntry, reason: string, message: string, why: string): void {
    this.deps.log.error(
      {
        seq: e.seq,
        tracingCode: e.tracingCode,
        reason,
        message,
        ...(why ? { notRemade: why } : {}),
      },
      'chain rejected envelope',
    );
    this.deps.outbox.reject(e.seq);
    this.deps.counters.add('rejected');
  }

  private async pollReceipts(now: number): Promise<void> {
    const waiting = [...this.admitted.keys()].sort((a, b) => a - b).slice(0, this.opts.maxReceiptsPerStep);
    for (const seq of waiting) {
      const e = this.deps.outbox.get(seq);
      if (!e) {
        this.admitted.delete(seq);
        continue;
      }
      const r = await this.deps.uploader.receipt(e.tracingCode, e.seq);
      if (r.kind === 'committed') this.commit(e);
      else if (r.kind === 'refused') await this.refusedAtExecution(e, r.reason, now);
      else if (r.kind === 'replayed') {
        this.admitted.delete(seq);
        await this.refused(e, { kind: 'rejected', reason: ApiErrorCode.Replayed, message: r.message }, now);
      }
      // Admitted but now unknown: the node lost its mempool (restart); send it again.
      else if (r.kind === 'unknown' && now - (this.admitted.get(seq) ?? now) >= this.opts.receiptPollMs)
        this.admitted.delete(seq);
    }
  }

  private commit(e: OutboxEntry): void {
    this.deps.outbox.remove(e.seq);
    this.admitted.delete(e.seq);
    this.deps.counters.add('committed');
  }

  private fail(now: number, message: string, hintMs: number): number {
    this.failures++;
    this.deps.counters.add('retries');
    this.deps.counters.set({ lastError: message });
    const wait = Math.max(hintMs, backoffDelay(this.failures, this.opts.backoff, this.deps.rand));
    this.deps.log.warn(
      {
        attempt: this.failures,
        waitMs: wait,
        error: message,
      },
      'upload failed; backing off',
    );
    this.notBefore = now + wait;
    return wait;
  }
}
