// Turns a closed processing period into envelopes in the outbox (Y.4907 §8.1 "Computing" and
// "Block"): load the period's spooled readings, normalize them with kpi/ rules (every drop counted
// with its reason), form the unified KPI record(s), have them sealed and signed into envelopes
// with the next sequence numbers, and write them durably.
//
// Crash safety, in the order of writes: envelopes are made first (async, nothing written); then,
// with no await in between, each part is added to the outbox, the state file takes the new
// nextSeq and sealedThrough, and the spool file is removed. A crash anywhere in that block leaves
// some parts in the outbox: recover() completes the period by making only the missing parts
// (normalization is deterministic, so part i is the same record), and raises nextSeq past the
// outbox. It runs before the upload loop starts, so no part can be committed and forgotten first.
// Each period is sealed under the SeqLock shared with the re-maker (seq-lock.ts), the only other
// writer of sequence numbers.

import type { KpiEntry, KpiRecord } from '../codec/types.js';
import type { Logger } from '../runtime/log.js';
import { SiteError, SiteErrorCode } from './errors.js';
import { type Outbox, type OutboxEntry, tracingCodeOf } from './outbox.js';
import { entryBytes } from './outbox-entry.js';
import type { EnvelopeMaker, Normalizer, SiteIdentity } from './parts.js';
import type { SeqLock } from './seq-lock.js';
import type { Spool } from './spool.js';
import type { StateFile } from './state.js';
import { type SiteCounters, SiteDropReason } from './status.js';

const retryLater = new Set([SiteErrorCode.OutboxFull, SiteErrorCode.NoScpKey, SiteErrorCode.UploadFailed]);

export interface SealerDeps {
  spool: Spool;
  outbox: Outbox;
  state: StateFile;
  normalizer: Normalizer;
  maker: EnvelopeMaker;
  identity: SiteIdentity;
  counters: SiteCounters;
  lock: SeqLock;
  log: Logger;
}

export interface SealerOptions {
  periodMs: number;
  /** Most KPI entries per record (the codec's cap). */
  maxEntriesPerRecord: number;
}

export class PeriodSealer {
  /** The last round stopped on a passing condition (its error is in lastError until a seal succeeds). */
  private deferred = false;
  constructor(
    private readonly deps: SealerDeps,
    private readonly opts: SealerOptions,
  ) {}

  /** Repairs state after a crash; call once before uploading starts. */
  async recover(now: number): Promise<void> {
    const { outbox, state, spool } = this.deps;
    const nextSeq = Math.max(state.get().nextSeq, outbox.maxSeq() + 1);
    if (nextSeq !== state.get().nextSeq) state.update({ nextSeq });
    const inOutbox = new Set(outbox.entries().map((e) => e.period));
    for (const p of spool.periods()) {
      if (p <= state.get().sealedThrough) spool.remove(p);
      else if (inOutbox.has(p)) await this.sealPeriod(p, now);
    }
    this.publish();
  }

  /**
   * Seals, oldest first, every spooled period that ended at least `closeAfterMs` before `now`
   * (or every period when `flush`). Stops early, without error, when the outbox is full.
   * Returns the number of periods sealed.
   */
  async sealClosed(now: number, closeAfterMs: number, flush = false): Promise<number> {
    let n = 0;
    for (const p of this.deps.spool.periods()) {
      if (!flush && p + this.opts.periodMs + closeAfterMs > now) break;
      try {
        await this.sealPeriod(p, now);
      } catch (err) {
        // Conditions that pass with time: keep the period spooled and try again on the next round.
        if (err instanceof SiteError && retryLater.has(err.code)) {
          this.deferred = true;
          this.deps.counters.set({ lastError: err.message });
          this.deps.log.warn({ error: err.message }, 'sealing deferred');
          break;
        }
        throw err;
      }
      n++;
      if (this.deferred) {
        this.deferred = false;
        this.deps.counters.set({ lastError: '' });
      }
    }
    this.publish();
    return n;
  }

  /**
   * Raises the next sequence number to at least `min` (e.g. one past the chain's last pending
   * seq for this site, should the data folder have been lost): a seq is never reused.
   */
  raiseSeq(min: number): void {
    if (min > this.deps.state.get().nextSeq) this.deps.state.update({ nextSeq: min });
    this.publish();
  }

  /** Readings for a period already sealed arrive too late to join its record. */
  isLate(time: number): boolean {
    return Math.floor(time / this.opts.periodMs) * this.opts.periodMs <= this.deps.state.get().sealedThrough;
  }

  private sealPeriod(period: number, now: number): Promise<void> {
    return this.deps.lock.run(() => this.sealPeriodLocked(period, now));
  }

  private async sealPeriodLocked(period: number, now: number): Promise<void> {
    const { spool, outbox, state, counters, log } = this.deps;
    const loaded = spool.load(period);
    if (period <= state.get().sealedThrough) {
      // Spooled just as the period was sealed: too late to join its record.
      counters.drop(SiteDropReason.Late, loaded.readings.length);
      spool.remove(period);
      return;
    }
    const { entries, drops } = this.deps.normalizer.normalize(loaded.readings, {
      start: period,
      end: period + this.opts.periodMs,
    });
    const chunks = chunk(entries, this.opts.maxEntriesPerRecord);
    const present = new Set(
      outbox
        .entries()
        .filter((e) => e.period === period)
        .map((e) => e.part),
    );
    const made: OutboxEntry[] = [];
    let seq = state.get().nextSeq;
    for (const [part, partEntries] of chunks.entries()) {
      if (present.has(part)) continue;
      const record = this.record(period, partEntries);
      const sealed = await this.deps.maker.seal(record, seq, now);
      made.push({
        seq,
        period,
        part,
        parts: chunks.length,
        tracingCode: tracingCodeOf(sealed.envelope),
        ...sealed,
        createdAt: now,
      });
      seq++;
    }
    // Check room for every part up front, so a full outbox never leaves a period half written.
    if (
      !outbox.hasRoom(
        made.length,
        made.reduce((a, e) => a + entryBytes(e), 0),
      )
    ) {
      throw new SiteError(SiteErrorCode.OutboxFull, 'outbox is full; waiting for the chain to commit', {
        depth: outbox.depth(),
      });
    }
    // No await from here to the end: this block is what recover() completes after a crash.
    for (const e of made) outbox.add(e);
    state.update({ nextSeq: seq, sealedThrough: period });
    spool.release(period, loaded.bytes);
    // Drops are counted once the period is written: a deferred attempt must not count them twice.
    if (loaded.corrupt > 0) counters.drop(SiteDropReason.CorruptSpoolLine, loaded.corrupt);
    for (const d of drops) {
      counters.drop(d.reason);
      log.info(
        {
          reason: d.reason,
          source: d.reading.source,
          id: d.reading.id,
          kpi: d.reading.kpi,
          detail: d.detail,
        },
        'reading dropped',
      );
    }
    counters.add('consolidated', loaded.readings.length - drops.length);
    counters.add('sealed', made.length);
    log.info(
      {
        period: new Date(period).toISOString(),
        records: made.length,
        entries: entries.length,
      },
      'period sealed',
    );
  }

  private record(period: number, entries: KpiEntry[]): KpiRecord {
    const { country, city, siteId } = this.deps.identity;
    return { country, city, siteId, time: period, entries, extension: new Uint8Array(0) };
  }

  private publish(): void {
    const { counters, outbox, spool, state } = this.deps;
    counters.set({
      outboxDepth: outbox.depth(),
      outboxBytes: outbox.bytes(),
      spooledPeriods: spool.periods().length,
      nextSeq: state.get().nextSeq,
    });
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
