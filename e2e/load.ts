// The set workload: each synthetic site makes envelopes at its share of the rate and keeps each in
// an outbox, like a site, until a node says it is committed (ALREADY_COMMITTED on a re-send) or
// refuses it for good (REPLAYED); it re-sends what is outstanding to a node that is up. Every step
// is recorded as history for the set checker (e2e/checker.ts).
import { pause } from '../api/retry.js';
import { UploadStatus } from '../api/types.js';
import { tracingCode } from '../crypto/hash.js';
import { syntheticEnvelope } from '../testkit/envelopes.js';
import type { HistoryEvent } from './checker.js';
import type { E2ECluster } from './cluster.js';

/** An outstanding envelope is sent again once this long has passed since its last send (ms). */
const RESEND_MS = 1_500;
/** Most re-sends per call, and most envelopes one site keeps outstanding (the outbox's bound). */
const MAX_RESEND = 100;
const MAX_OUTBOX = 5_000;
/** Refusals a later re-send may overcome; any other refusal is a finding of the run. */
const TRANSIENT = new Set([
  'SEQ_TOO_FAR',
  'MEMPOOL_FULL',
  'RATE_LIMITED',
  'TOO_MANY_STREAMS',
  'NOT_READY',
  'STOPPED',
  'DEADLINE_EXCEEDED',
  'TRANSPORT',
  'TIME_IN_FUTURE',
]);

interface Entry {
  env: Uint8Array;
  id: string;
  lastSent: number;
  acked: boolean;
}

export interface LoadStats {
  calls: number;
  failedCalls: number;
  /** Refusals by reason (transient ones included). */
  rejected: Record<string, number>;
  /** Envelopes not made because the outbox was full. */
  skipped: number;
}

export class SetLoad {
  readonly history: HistoryEvent[] = [];
  /** When each envelope was made (its record's time, ms) and by which site: for the latency bound. */
  readonly made = new Map<string, { site: number; at: number }>();
  readonly stats: LoadStats = { calls: 0, failedCalls: 0, rejected: {}, skipped: 0 };
  private readonly outbox: Map<string, Entry>[];
  private readonly ac = new AbortController();
  private generating = true;
  private loops: Promise<void>[] = [];
  private turn = 0;

  constructor(
    private readonly cluster: E2ECluster,
    private readonly rate: number,
    private readonly batch: number,
  ) {
    this.outbox = cluster.sites.map(() => new Map());
  }

  start(): void {
    this.loops = this.cluster.sites.map((_, s) => this.loop(s));
  }

  /** Envelopes still outstanding, all sites together. */
  get outstanding(): number {
    return this.outbox.reduce((a, o) => a + o.size, 0);
  }

  /** No new envelopes from now on; outstanding ones are still re-sent. */
  stopGenerating(): void {
    this.generating = false;
  }

  /** Resolves when every outbox is empty, or after `ms` (false then). */
  async drain(ms: number): Promise<boolean> {
    this.stopGenerating();
    const end = Date.now() + ms;
    while (this.outstanding > 0 && Date.now() < end) await pause(250);
    return this.outstanding === 0;
  }

  async stop(): Promise<void> {
    this.generating = false;
    this.ac.abort();
    await Promise.all(this.loops);
  }

  private async loop(s: number): Promise<void> {
    const perSite = this.rate / this.cluster.sites.length;
    const intervalMs = Math.max(10, Math.round((1000 * this.batch) / perSite));
    let seq = 1;
    while (!this.ac.signal.aborted) {
      const box = this.outbox[s]!;
      if (this.generating) {
        if (box.size + this.batch > MAX_OUTBOX) this.stats.skipped += this.batch;
        else
          for (let k = 0; k < this.batch; k++, seq++) {
            const at = Date.now();
            const env = syntheticEnvelope(
              this.cluster.sites[s]!,
              this.cluster.chainId,
              this.cluster.scp.publicKey,
              seq,
              at,
            );
            const id = Buffer.from(tracingCode(env)).toString('hex');
            this.made.set(id, { site: s, at });
            box.set(id, { env, id, lastSent: 0, acked: false });
          }
      }
      const now = Date.now();
      const due = [...box.values()]
        .filter((e) => now - e.lastSent >= RESEND_MS)
        .slice(0, MAX_RESEND + this.batch);
      if (due.length > 0) await this.send(s, due);
      await pause(this.generating ? intervalMs : 250, this.ac.signal);
    }
  }

  private async send(s: number, entries: Entry[]): Promise<void> {
    const up = this.cluster.up();
    if (up.length === 0) return;
    const target = up[this.turn++ % up.length]!;
    const now = Date.now();
    for (const e of entries) {
      if (e.lastSent === 0) this.history.push({ kind: 'sent', id: e.id });
      e.lastSent = now;
    }
    this.stats.calls++;
    let results: Awaited<ReturnType<ReturnType<E2ECluster['client']>['uploadBatch']>>;
    try {
      results = await this.cluster.client(target).uploadBatch(
        entries.map((e) => e.env),
        { deadlineMs: 5_000, signal: this.ac.signal },
      );
    } catch {
      // Unknown outcome: the envelopes stay outstanding and go again, like a site's outbox.
      this.stats.failedCalls++;
      return;
    }
    const box = this.outbox[s]!;
    results.forEach((r, k) => {
      const e = entries[k]!;
      if (r.status === UploadStatus.Accepted || r.status === UploadStatus.AlreadyPending) {
        if (!e.acked) this.history.push({ kind: 'acked', id: e.id, by: target });
        e.acked = true;
      } else if (r.status === UploadStatus.AlreadyCommitted) {
        this.history.push({ kind: 'committed', id: e.id, by: target });
        box.delete(e.id);
      } else {
        this.stats.rejected[r.reason] = (this.stats.rejected[r.reason] ?? 0) + 1;
        if (TRANSIENT.has(r.reason)) return;
        this.history.push({ kind: 'abandoned', id: e.id, reason: r.reason });
        box.delete(e.id);
      }
    });
  }
}

/** Refusals that are findings: neither transient nor REPLAYED (an outbox's normal give-up). */
export function unexpectedRejections(stats: LoadStats): Record<string, number> {
  return Object.fromEntries(
    Object.entries(stats.rejected).filter(([reason]) => !TRANSIENT.has(reason) && reason !== 'REPLAYED'),
  );
}
