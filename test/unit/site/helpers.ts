// Fakes and temp folders shared by the site tests.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { KEY_ID_BYTES, SIGNATURE_BYTES, WIRE_VERSION } from '../../../codec/caps.js';
import { ENVELOPE_HEADER_BYTES, ENVELOPE_OFFSET } from '../../../codec/envelope.js';
import { decodeKpiRecord, encodeKpiRecord } from '../../../codec/kpi-record.js';
import { EnvelopeKind, type KpiRecord } from '../../../codec/types.js';
import { type Logger, silentLogger } from '../../../runtime/log.js';
import type { EnvelopeMaker, SealedEnvelope } from '../../../site/parts.js';
import type { SourceReading } from '../../../site/reading.js';
import type { SiteRuntimeOptions } from '../../../site/runtime.js';
import type { ReceiptOutcome, Uploader, UploadOutcome } from '../../../site/uploader.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'bkdms-site-'));
  dirs.push(d);
  return d;
}

export function reading(over: Partial<SourceReading> = {}): SourceReading {
  return {
    kpi: 'EN: EN: AQ: 1C',
    series: 'PM10',
    value: 40,
    unit: 'µg/m³',
    time: Date.UTC(2026, 0, 1, 0, 10),
    source: 'test',
    id: String(Math.random()),
    flags: 0,
    ...over,
  };
}

/**
 * Stands in for sealing + signing: the "envelope" is JSON of the seq and the record's entries plus
 * a counter, so two makes of the same record differ like two real sealings (fresh nonces) do. The
 * kept record is the real encoding, so a reseal carries the same entries. Given a signer key ID,
 * the JSON follows a real envelope header up to that key ID (keyedEnvelope), which is what the
 * site reads of an envelope to tell which key signed it.
 */
export class FakeMaker implements EnvelopeMaker {
  made: { seq: number; record: KpiRecord }[] = [];
  resealed: { seq: number; record: KpiRecord }[] = [];
  private n = 0;
  constructor(private readonly signer?: Uint8Array) {}
  async seal(record: KpiRecord, seq: number): Promise<SealedEnvelope> {
    this.made.push({ seq, record });
    return { envelope: this.envelope(record, seq), record: encodeKpiRecord(record) };
  }
  async reseal(encoded: Uint8Array, seq: number): Promise<Uint8Array> {
    const record = decodeKpiRecord(encoded);
    this.resealed.push({ seq, record });
    return this.envelope(record, seq);
  }
  private envelope(record: KpiRecord, seq: number): Uint8Array {
    const body = { seq, time: record.time, entries: record.entries, nonce: this.n++ };
    const json = new TextEncoder().encode(JSON.stringify(body));
    return this.signer ? keyedEnvelope(this.signer, json) : json;
  }
}

const KEYED_BODY_AT = ENVELOPE_OFFSET.signerKeyId + KEY_ID_BYTES;

/**
 * A fake envelope that real envelope readers can read the signer of: the header fields through
 * the signer key ID at their offsets (version, KpiUpload, zero chain ID, key ID), then the JSON
 * body, padded with spaces to an envelope's minimum length.
 */
export function keyedEnvelope(signer: Uint8Array, json: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(KEYED_BODY_AT + json.length, ENVELOPE_HEADER_BYTES + SIGNATURE_BYTES));
  out.fill(0x20);
  out.set([WIRE_VERSION, EnvelopeKind.KpiUpload]);
  out.fill(0, ENVELOPE_OFFSET.chainId, ENVELOPE_OFFSET.signerKeyId);
  out.set(signer, ENVELOPE_OFFSET.signerKeyId);
  out.set(json, KEYED_BODY_AT);
  return out;
}

/** The JSON body of a FakeMaker envelope, keyed or not. */
function bodyOf(envelope: Uint8Array): Record<string, unknown> {
  const json = envelope[0] === WIRE_VERSION ? envelope.subarray(KEYED_BODY_AT) : envelope;
  return JSON.parse(new TextDecoder().decode(json)) as Record<string, unknown>;
}

/** The record time and entries a FakeMaker envelope carries. */
export function contentOf(envelope: Uint8Array): string {
  const { time, entries } = bodyOf(envelope);
  return JSON.stringify({ time, entries });
}

export function seqOf(envelope: Uint8Array): number {
  return bodyOf(envelope).seq as number;
}

/**
 * A chain in memory: admits envelopes, commits them on commit(), dedupes by tracing code the way
 * the real chain does, and fails the next `failNext` calls with a thrown error.
 */
export class FakeChain implements Uploader {
  failNext = 0;
  calls = 0;
  /** How many times each envelope (tracing code hex) was sent. */
  sent = new Map<string, number>();
  pending = new Map<string, Uint8Array>();
  committed = new Map<string, Uint8Array>();
  rejectSeqs = new Set<number>();
  /** Seqs whose next commit refuses them at execution (a receipt with a reason), once each. */
  refuseAtExecution = new Set<number>();
  /** Envelopes in a block but refused at execution, by tracing code, and the reason recorded. */
  refused = new Map<string, Uint8Array>();
  refusedWhy = new Map<string, string>();

  async uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]> {
    this.calls++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('UNAVAILABLE: chain down');
    }
    return envelopes.map((e) => {
      const tc = sha(e);
      this.sent.set(tc, (this.sent.get(tc) ?? 0) + 1);
      if (this.rejectSeqs.has(seqOf(e)))
        return { kind: 'rejected', reason: 'SITE_REVOKED', message: 'revoked' };
      if (this.committed.has(tc)) return { kind: 'committed' };
      // One tracing code, one block: a re-send gets the result recorded there.
      const why = this.refusedWhy.get(tc);
      if (why !== undefined) return { kind: 'refused', reason: why };
      this.pending.set(tc, e);
      return { kind: 'admitted' };
    });
  }

  async receipt(tracingCode: string): Promise<ReceiptOutcome> {
    if (this.committed.has(tracingCode)) return { kind: 'committed', height: 1 };
    const why = this.refusedWhy.get(tracingCode);
    if (why !== undefined) return { kind: 'refused', reason: why };
    return this.pending.has(tracingCode) ? { kind: 'pending' } : { kind: 'unknown' };
  }

  /** Commits everything pending, as a block would (refusing the seqs of `refuseAtExecution`). */
  commit(): void {
    for (const [tc, e] of this.pending) {
      if (this.refuseAtExecution.delete(seqOf(e))) this.refuse(tc, e, 'SiteSuspended');
      else this.committed.set(tc, e);
    }
    this.pending.clear();
  }

  /** The block holding `e` refused it at execution for `reason`. */
  refuse(tc: string, e: Uint8Array, reason: string): void {
    this.refused.set(tc, e);
    this.refusedWhy.set(tc, reason);
  }

  committedSeqs(): number[] {
    return [...this.committed.values()].map(seqOf).sort((a, b) => a - b);
  }
}

export function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export const noLog: Logger = silentLogger;

/** True when an envelope with `seq` is to be lost this time (and counts the loss). */
export function takeLoss(lose: Map<number, number>, seq: number): boolean {
  const left = lose.get(seq) ?? 0;
  if (left > 0) lose.set(seq, left - 1);
  return left > 0;
}

/**
 * The chain's replay rule as the permission contract applies it to committed state: a seq at or
 * below (highest committed - window) is too old, a seq committed by another envelope is replayed.
 * `lose` maps a seq to how many more times an envelope with it is acknowledged and then dropped
 * from the mempool (the node it reached crashed before gossiping it); Infinity: every time, so it
 * can only end refused as too old.
 */
export class WindowChain extends FakeChain {
  lose = new Map<number, number>();
  /** Refuse the next upload of each of these seqs as held by another pending envelope. */
  heldOnce = new Set<number>();
  /** Refuse every seq as already used (a site whose every seq was taken). */
  refuseAll = false;

  constructor(private readonly window: number) {
    super();
  }

  override async uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]> {
    const used = new Set(this.committedSeqs());
    const hwm = Math.max(0, ...used);
    const out = await super.uploadBatch(envelopes);
    return out.map((o, i) => {
      const env = envelopes[i]!;
      const seq = seqOf(env);
      if (o.kind === 'committed' || o.kind === 'refused') return o;
      const refuse = (message: string): UploadOutcome => {
        this.pending.delete(sha(env));
        return { kind: 'rejected', reason: ApiErrorCode.Replayed, message };
      };
      if (this.heldOnce.delete(seq)) return refuse(`sequence number ${seq} already pending`);
      if (this.refuseAll || used.has(seq)) return refuse('refused by the permission contract: SeqReplayed');
      if (seq <= hwm - this.window) return refuse('refused by the permission contract: SeqTooOld');
      if (takeLoss(this.lose, seq)) this.pending.delete(sha(env));
      return o;
    });
  }
}

/** A chain that commits what it admitted whenever a receipt is asked for, like a block per poll. */
export class AutoChain extends FakeChain {
  override async receipt(tc: string): Promise<ReceiptOutcome> {
    this.commit();
    return super.receipt(tc);
  }
}

/** A WindowChain that commits whenever a receipt is asked for. */
export class AutoWindowChain extends WindowChain {
  override async receipt(tc: string): Promise<ReceiptOutcome> {
    this.commit();
    return super.receipt(tc);
  }
}

/** Fast runtime options for tests: tiny intervals, drain and exit. */
export function fastOptions(dataDir: string, periodMs: number, maxBatch: number): SiteRuntimeOptions {
  return {
    name: 'test',
    dataDir,
    periodMs,
    closeAfterMs: 0,
    sealEveryMs: 5,
    progressMs: 0,
    maxSpoolBytes: 1e8,
    maxEntriesPerRecord: 128,
    outbox: { maxEntries: 1_000, maxBytes: 1e8 },
    upload: {
      maxBatch,
      receiptPollMs: 5,
      maxReceiptsPerStep: 100,
      backoff: { baseMs: 1, maxMs: 4, jitter: 0.5 },
    },
    exitWhenDrained: true,
  };
}
