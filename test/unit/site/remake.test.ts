// A reading the chain refuses as REPLAYED is made anew under a fresh seq, never lost:
// the crash-fault case (a node admitted it, crashed before gossip, later seqs committed past the
// replay window), a crash between writing the new entry and removing the old, old-format entries,
// the bound on re-makes, and other refusals unchanged. Likewise a reading signed with a key the
// administrators rotated out (UNAUTHORIZED KeyRotated), once the site runs with its new key.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { envelopeSignerKeyId } from '../../../codec/envelope-view.js';
import { encodeKpiRecord } from '../../../codec/kpi-record.js';
import type { KpiRecord } from '../../../codec/types.js';
import { loggerFrom } from '../../../runtime/log.js';
import { Outbox, type OutboxEntry, tracingCodeOf } from '../../../site/outbox.js';
import { readEntryFile } from '../../../site/outbox-entry.js';
import { Remaker, remakeCause } from '../../../site/remaker.js';
import { SeqLock } from '../../../site/seq-lock.js';
import { StateFile } from '../../../site/state.js';
import { progressLine, SiteCounters } from '../../../site/status.js';
import { UploadLoop } from '../../../site/upload-loop.js';
import type { ReceiptOutcome, UploadOutcome } from '../../../site/uploader.js';
import {
  contentOf,
  type FakeChain,
  FakeMaker,
  seqOf as seqOfEnvelope,
  sha,
  tempDir,
  WindowChain,
} from './helpers.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 1);
const limits = { maxEntries: 100, maxBytes: 1e6 };
const opts = {
  maxBatch: 2,
  receiptPollMs: 1_000,
  maxReceiptsPerStep: 100,
  backoff: { baseMs: 100, maxMs: 1_000, jitter: 0 },
};

function record(hour: number): KpiRecord {
  return {
    country: 756,
    city: { scheme: 1, code: 'CHGVA' },
    siteId: new Uint8Array(16),
    time: t0 + hour * H,
    entries: [{ code: 21101, series: 0, value: 10 + hour, flags: 0 }],
    extension: new Uint8Array(0),
  };
}

interface Logged {
  level: string;
  msg: string;
  meta?: Record<string, unknown>;
}

/** A site's outbox, state and upload loop over `dir`, opened as a fresh process would (signing with `signer`). */
function site(dir: string, chain: FakeChain, maxRemakes = 3, signer?: Uint8Array) {
  const outbox = new Outbox(join(dir, 'outbox'), limits);
  const state = new StateFile(join(dir, 'state.json'));
  // What the sealer's recover() does at start: nextSeq past everything in the outbox.
  if (outbox.maxSeq() >= state.get().nextSeq) state.update({ nextSeq: outbox.maxSeq() + 1 });
  const counters = new SiteCounters();
  const maker = new FakeMaker(signer);
  const logs: Logged[] = [];
  const log = loggerFrom((level, msg, meta) => {
    logs.push({ level, msg, ...(meta ? { meta } : {}) });
  });
  const remaker = new Remaker({ outbox, state, maker, lock: new SeqLock(), counters, log }, maxRemakes);
  const loop = new UploadLoop({ outbox, uploader: chain, counters, remaker, rand: () => 0.5, log }, opts);
  return { outbox, state, counters, maker, logs, loop };
}

type Site = ReturnType<typeof site>;

/** Seals `hours` records into the outbox through the maker, the way the sealer does. */
async function seal(s: Site, hours: number[]): Promise<void> {
  for (const h of hours) {
    const seq = s.state.get().nextSeq;
    const sealed = await s.maker.seal(record(h), seq);
    s.outbox.add({
      seq,
      period: t0 + h * H,
      part: 0,
      parts: 1,
      tracingCode: tracingCodeOf(sealed.envelope),
      ...sealed,
      createdAt: 0,
    });
    s.state.update({ nextSeq: seq + 1 });
  }
}

/** Steps the loop with a clock moving one poll interval per step until the outbox is empty. */
async function drain(s: Site, chain: FakeChain, from = 0, maxSteps = 50): Promise<void> {
  let now = from;
  for (let i = 0; i < maxSteps && s.outbox.depth() > 0; i++) {
    now += Math.max(1, await s.loop.step(now));
    chain.commit();
  }
  expect(s.outbox.depth()).toBe(0);
}

/** Each committed envelope's record content; the readings as the SCP would receive them. */
function committedContents(chain: FakeChain): string[] {
  return [...chain.committed.values()].map(contentOf).sort();
}

function expectedContents(hours: number[]): string[] {
  return hours.map((h) => JSON.stringify({ time: record(h).time, entries: record(h).entries })).sort();
}

describe('re-making a reading refused as REPLAYED', () => {
  it('an envelope lost by a crashed node after later seqs committed is re-made, committed, not rejected', async () => {
    const dir = tempDir();
    const chain = new WindowChain(4);
    const s = site(dir, chain);
    await seal(s, [0, 1, 2, 3, 4, 5, 6]);
    chain.lose.set(1, Number.POSITIVE_INFINITY); // acknowledged, then its node crashed before gossiping it
    await drain(s, chain);
    // seq 1 fell out of the window (2..7 committed): refused as too old, re-made as seq 8.
    expect(chain.committedSeqs()).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(committedContents(chain)).toEqual(expectedContents([0, 1, 2, 3, 4, 5, 6]));
    expect(s.maker.resealed.map((r) => [r.seq, r.record.time])).toEqual([[8, t0]]);
    expect(existsSync(join(dir, 'outbox', 'rejected'))).toBe(false);
    const c = s.counters.snapshot();
    expect(c).toMatchObject({ remade: 1, rejected: 0, committed: 7 });
    expect(progressLine('t', c)).toContain('remade 1');
    expect(s.state.get().nextSeq).toBe(9);
    const warn = s.logs.find((l) => l.level === 'warn' && l.msg.includes('re-made'));
    expect(warn?.meta).toMatchObject({ oldSeq: 1, newSeq: 8, remakes: 1 });
    expect(warn?.meta?.oldTracingCode).toMatch(/^[0-9a-f]{64}$/);
    expect(warn?.meta?.newTracingCode).toBe(tracingCodeOf([...chain.committed.values()].at(-1)!));
  });

  it('re-makes an envelope whose seq another envelope committed (state restored from a backup)', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    const s = site(dir, chain);
    await seal(s, [0]);
    // Another envelope with seq 1 reached the chain first (the backup's twin).
    chain.committed.set('f'.repeat(64), new TextEncoder().encode(JSON.stringify({ seq: 1 })));
    await drain(s, chain);
    expect(chain.committedSeqs()).toEqual([1, 2]);
    expect(s.counters.snapshot()).toMatchObject({ remade: 1, rejected: 0 });
  });

  it('a crash between writing the re-made entry and removing the old loses nothing and commits once', async () => {
    const dir = tempDir();
    const chain = new WindowChain(2);
    const s = site(dir, chain);
    await seal(s, [0, 1, 2, 3]);
    chain.lose.set(1, Number.POSITIVE_INFINITY);
    const remove = s.outbox.remove.bind(s.outbox);
    let crashed = false;
    s.outbox.remove = (seq) => {
      if (seq !== 1) return remove(seq);
      crashed = true; // the new entry is durable, the old one not yet removed: the process dies here
      throw new Error('crash');
    };
    let now = 0;
    while (!crashed) {
      now += Math.max(1, await s.loop.step(now));
      chain.commit();
    }
    // The hard case for the restart: the re-made entry has committed meanwhile.
    await chain.uploadBatch([s.outbox.get(5)!.envelope]);
    chain.commit();
    const files = (): string[] => readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.json'));
    expect(files()).toEqual(['000000000001.json', '000000000005.json']); // both, never neither
    // Restart from disk (the re-made seq 5 may have committed meanwhile, which is the hard case).
    expect(chain.committedSeqs()).toEqual([2, 3, 4, 5]);
    const r = site(dir, chain);
    expect(r.outbox.supersededOnOpen).toEqual([[1, 5]]);
    expect(files()).toEqual(['000000000005.json']);
    expect(r.state.get().nextSeq).toBe(6);
    await drain(r, chain, 10_000);
    expect(chain.committedSeqs()).toEqual([2, 3, 4, 5]);
    expect(committedContents(chain)).toEqual(expectedContents([0, 1, 2, 3]));
    expect(r.maker.resealed).toHaveLength(0); // the old one is not re-made a second time
    expect(r.counters.snapshot()).toMatchObject({ remade: 0, rejected: 0 });
    expect(existsSync(join(dir, 'outbox', 'rejected'))).toBe(false);
  });

  it('an entry written before records were kept is rejected as before', async () => {
    const dir = tempDir();
    const envelope = new TextEncoder().encode(JSON.stringify({ seq: 1 }));
    // The file exactly as the previous format wrote it: no record, no remakes, no replaces.
    const old = {
      v: 1,
      seq: 1,
      period: 0,
      part: 0,
      parts: 1,
      tracingCode: tracingCodeOf(envelope),
      envelope: Buffer.from(envelope).toString('base64'),
      createdAt: 0,
    };
    const chain = new WindowChain(64);
    chain.committed.set('f'.repeat(64), new TextEncoder().encode(JSON.stringify({ seq: 1 })));
    const s0 = new Outbox(join(dir, 'outbox'), limits); // creates the folder
    expect(s0.depth()).toBe(0);
    writeFileSync(join(dir, 'outbox', '000000000001.json'), JSON.stringify(old));
    const s = site(dir, chain);
    expect(s.outbox.get(1)?.record).toBeUndefined();
    await s.loop.step(0);
    expect(s.outbox.depth()).toBe(0);
    expect(existsSync(join(dir, 'outbox', 'rejected', '000000000001.json'))).toBe(true);
    expect(s.counters.snapshot()).toMatchObject({ remade: 0, rejected: 1 });
    const err = s.logs.find((l) => l.level === 'error');
    expect(err?.meta?.notRemade).toContain('before records were kept');
  });

  it('re-makes one reading at most maxRemakes times, then rejects it as before', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    chain.refuseAll = true;
    const s = site(dir, chain, 3);
    await seal(s, [0]);
    await drain(s, chain);
    expect(s.maker.resealed.map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(s.counters.snapshot()).toMatchObject({ remade: 3, rejected: 1 });
    const kept = JSON.parse(readFileSync(join(dir, 'outbox', 'rejected', '000000000004.json'), 'utf8'));
    expect(kept).toMatchObject({ seq: 4, remakes: 3, replaces: 3 });
  });

  it('other refusals keep today\u2019s behaviour: rejected/, no re-make', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    chain.rejectSeqs.add(1); // SITE_REVOKED
    const s = site(dir, chain);
    await seal(s, [0, 1]);
    await drain(s, chain);
    expect(chain.committedSeqs()).toEqual([2]);
    expect(s.maker.resealed).toHaveLength(0);
    expect(s.counters.snapshot()).toMatchObject({ remade: 0, rejected: 1 });
    expect(existsSync(join(dir, 'outbox', 'rejected', '000000000001.json'))).toBe(true);
  });

  it('a seq only held by another pending envelope is sent again later, not re-made', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    chain.heldOnce.add(1);
    const s = site(dir, chain);
    await seal(s, [0]);
    await s.loop.step(0);
    expect(s.outbox.depth()).toBe(1);
    expect(chain.calls).toBe(1);
    await s.loop.step(1); // held like an admitted entry: not sent again before the receipt poll
    expect(chain.calls).toBe(1);
    await drain(s, chain, 1_000);
    expect(chain.committedSeqs()).toEqual([1]);
    expect(s.maker.resealed).toHaveLength(0);
    expect(s.counters.snapshot()).toMatchObject({ remade: 0, rejected: 0 });
  });

  it('a re-make that cannot seal (no SCP key) keeps the entry and retries after a backoff', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    chain.committed.set('f'.repeat(64), new TextEncoder().encode(JSON.stringify({ seq: 1 })));
    const s = site(dir, chain);
    await seal(s, [0]);
    const reseal = s.maker.reseal.bind(s.maker);
    s.maker.reseal = async () => {
      throw new Error('NO_SCP_KEY: no SCP encryption key is valid now');
    };
    expect(await s.loop.step(0)).toBeGreaterThan(0);
    expect(s.outbox.entries().map((e: OutboxEntry) => e.seq)).toEqual([1]);
    expect(s.counters.snapshot()).toMatchObject({ remade: 0, rejected: 0, retries: 1 });
    s.maker.reseal = reseal;
    await drain(s, chain, 5_000);
    expect(chain.committedSeqs()).toEqual([1, 2]);
    expect(encodeKpiRecord(record(0))).toEqual(encodeKpiRecord(s.maker.resealed[0]!.record));
  });

  it('property: envelopes lost any number of times, a crash at any durable write, a restart: every reading commits once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 })), { maxLength: 5 }),
        fc.integer({ min: 0, max: 12 }),
        async (n, window, losses, crashAt) => {
          const dir = tempDir();
          const chain = new WindowChain(window);
          // Only first sealings are lost, so no reading reaches the re-make bound.
          for (const [seq, times] of losses) chain.lose.set(((seq - 1) % n) + 1, times);
          const hours = Array.from({ length: n }, (_, h) => h);
          const s = site(dir, chain);
          await seal(s, hours);
          // The process dies at the crashAt-th delete or state write (0: it does not).
          let writes = 0;
          let crashed = false;
          const dieAt = (): void => {
            if (crashAt > 0 && ++writes === crashAt) {
              crashed = true;
              throw new Error('crash');
            }
          };
          const remove = s.outbox.remove.bind(s.outbox);
          s.outbox.remove = (seq) => {
            dieAt();
            remove(seq);
          };
          const update = s.state.update.bind(s.state);
          s.state.update = (change) => {
            dieAt();
            update(change);
          };
          let now = 0;
          for (let i = 0; i < 200 && !crashed && s.outbox.depth() > 0; i++) {
            now += Math.max(1, await s.loop.step(now));
            chain.commit();
          }
          const r = site(dir, chain);
          await drain(r, chain, now + 10_000, 400);
          expect(committedContents(chain)).toEqual(expectedContents(hours));
          expect(existsSync(join(dir, 'outbox', 'rejected'))).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('re-making a reading whose envelope its block refused at execution', () => {
  it('is re-made under a new seq and committed once; the refused envelope is never sent again', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    chain.refuseAtExecution.add(1); // e.g. SiteSuspended: the site was suspended after admission
    const s = site(dir, chain);
    await seal(s, [0, 1]);
    await drain(s, chain);
    expect(chain.committedSeqs()).toEqual([2, 3]);
    expect(committedContents(chain)).toEqual(expectedContents([0, 1]));
    const [refusedTc] = [...chain.refused.keys()];
    expect(chain.sent.get(refusedTc!)).toBe(1);
    expect(s.counters.snapshot()).toMatchObject({ remade: 1, rejected: 0, committed: 2 });
    const warn = s.logs.find((l) => l.msg.includes('refused when its block executed'));
    expect(warn?.meta).toMatchObject({ oldSeq: 1, newSeq: 3 });
  });

  it('sent again after a restart, it is answered with its recorded result and re-made', async () => {
    const dir = tempDir();
    const chain = new WindowChain(64);
    chain.refuseAtExecution.add(1);
    const first = site(dir, chain);
    await seal(first, [0]);
    await first.loop.step(0);
    chain.commit(); // refused at execution; the site stops before reading the receipt
    const s = site(dir, chain); // restarted: re-sends its whole outbox once
    await drain(s, chain);
    expect(chain.committedSeqs()).toEqual([2]);
    expect(committedContents(chain)).toEqual(expectedContents([0]));
    expect(s.counters.snapshot()).toMatchObject({ remade: 1, rejected: 0, committed: 1 });
  });

  it('a refusal that lasts comes back at admission for the re-made envelope, which goes to rejected/', async () => {
    const dir = tempDir();
    const chain = new KeyedChain(64);
    const s = site(dir, chain, 3, newKey);
    await seal(s, [0]);
    await s.loop.step(0); // admitted while the site is active
    chain.refusing.set(hexOf(newKey), 'SiteSuspended'); // suspended before the block executes
    chain.commit();
    for (let now = 1_000; now < 5_000 && s.outbox.depth() > 0; now += 1_000) await s.loop.step(now);
    expect(s.outbox.depth()).toBe(0);
    expect(chain.committed.size).toBe(0);
    expect(s.counters.snapshot()).toMatchObject({ remade: 1, rejected: 1, committed: 0 });
    expect(s.logs.find((l) => l.level === 'error')?.meta).toMatchObject({
      seq: 2,
      reason: ApiErrorCode.Unauthorized,
      message: 'refused by the permission contract: SiteSuspended',
    });
  });
});

/** A WindowChain whose node evicts an admitted envelope once another one spends its seq. */
class EvictingChain extends WindowChain {
  private readonly spent = new Set<number>();
  private readonly evicted = new Set<string>();

  /** Another envelope with `seq` commits: the pending one with that seq is evicted. */
  spendElsewhere(seq: number): void {
    this.spent.add(seq);
    for (const [tc, e] of this.pending)
      if (seqOfEnvelope(e) === seq) {
        this.pending.delete(tc);
        this.evicted.add(tc);
      }
  }

  override committedSeqs(): number[] {
    return [...super.committedSeqs(), ...this.spent].sort((a, b) => a - b);
  }

  override async receipt(tracingCode: string): Promise<ReceiptOutcome> {
    if (this.evicted.has(tracingCode))
      return { kind: 'replayed', message: 'REPLAYED: evicted: sequence number 1 was spent by envelope cd' };
    return super.receipt(tracingCode);
  }
}

describe('re-making a reading whose admitted envelope a node evicted', () => {
  it('a receipt answering REPLAYED (another envelope spent the seq) re-makes the reading, committed once', async () => {
    const dir = tempDir();
    const chain = new EvictingChain(64);
    const s = site(dir, chain);
    await seal(s, [0]);
    await s.loop.step(0);
    chain.spendElsewhere(1);
    await drain(s, chain, 0);
    expect(committedContents(chain)).toEqual(expectedContents([0]));
    expect(chain.committedSeqs()).toEqual([1, 2]);
    expect(s.counters.snapshot()).toMatchObject({ remade: 1, rejected: 0, committed: 1 });
  });
});

const oldKey = new Uint8Array(16).fill(0xa1);
const newKey = new Uint8Array(16).fill(0xb2);
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const signerOf = (envelope: Uint8Array): string => hexOf(envelopeSignerKeyId(envelope));

/**
 * A WindowChain that checks signers as the permission contract does, after "already committed" and
 * "already pending" like admission: a rotated-out key is refused (UNAUTHORIZED KeyRotated), at
 * admission and when a block executes (an envelope still pending when the rotation commits);
 * `refusing` refuses a key for another reason. A refused-at-execution envelope keeps the result
 * its block recorded: a re-send of it is answered with that result (ALREADY_COMMITTED), as
 * node/admission/admission.ts does.
 */
class KeyedChain extends WindowChain {
  private readonly rotatedOut = new Set<string>();
  /** key ID hex -> the contract's reason for refusing it (SiteRevoked, SiteSuspended, UnknownSigner). */
  readonly refusing = new Map<string, string>();

  /** The rotation of `key` commits. */
  rotate(key: Uint8Array): void {
    this.rotatedOut.add(hexOf(key));
  }

  private reasonOf(envelope: Uint8Array): string | undefined {
    const signer = signerOf(envelope);
    return this.rotatedOut.has(signer) ? 'KeyRotated' : this.refusing.get(signer);
  }

  override async uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]> {
    const known = (e: Uint8Array): boolean =>
      this.committed.has(sha(e)) || this.pending.has(sha(e)) || this.refused.has(sha(e));
    const refusals = envelopes.map((e) => (known(e) ? undefined : this.reasonOf(e)));
    const rest = envelopes.filter((_, i) => refusals[i] === undefined);
    const outcomes = rest.length > 0 ? await super.uploadBatch(rest) : [];
    let k = 0;
    return refusals.map((r) =>
      r === undefined
        ? outcomes[k++]!
        : {
            kind: 'rejected',
            reason: ApiErrorCode.Unauthorized,
            message: `refused by the permission contract: ${r}`,
          },
    );
  }

  override commit(): void {
    for (const [tc, e] of this.pending) {
      const reason = this.reasonOf(e);
      if (reason !== undefined) {
        this.pending.delete(tc);
        this.refuse(tc, e, reason);
      }
    }
    super.commit();
  }
}

const outboxFiles = (dir: string): string[] =>
  readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.json'));

describe('re-making a reading signed with a rotated-out key', () => {
  it('tells a KeyRotated refusal from the other UNAUTHORIZED ones by the node\u2019s message', () => {
    const contract = (reason: string): string => `refused by the permission contract: ${reason}`;
    expect(remakeCause(ApiErrorCode.Unauthorized, contract('KeyRotated'))).toBe('keyRotated');
    for (const reason of ['SiteRevoked', 'SiteSuspended', 'UnknownSigner', 'KeyRotatedLater'])
      expect(remakeCause(ApiErrorCode.Unauthorized, contract(reason))).toBeUndefined();
    expect(remakeCause(ApiErrorCode.BadSignature, contract('KeyRotated'))).toBeUndefined();
  });

  it('envelopes the old key signed are re-made once each under the new key, with new seqs, and committed', async () => {
    const dir = tempDir();
    const chain = new KeyedChain(64);
    await seal(site(dir, chain, 3, oldKey), [0, 1]); // sealed while the site was cut off
    chain.rotate(oldKey);
    const s = site(dir, chain, 3, newKey); // restarted with its new keystore, same dataDir
    await drain(s, chain);
    expect(chain.committedSeqs()).toEqual([3, 4]);
    expect([...chain.committed.values()].map(signerOf)).toEqual([hexOf(newKey), hexOf(newKey)]);
    expect(committedContents(chain)).toEqual(expectedContents([0, 1]));
    expect(s.maker.resealed.map((r) => [r.seq, r.record.time])).toEqual([
      [3, t0],
      [4, t0 + H],
    ]);
    expect(s.counters.snapshot()).toMatchObject({ remade: 2, rejected: 0, committed: 2 });
    expect(s.state.get().nextSeq).toBe(5);
    expect(existsSync(join(dir, 'outbox', 'rejected'))).toBe(false);
    const warns = s.logs.filter((l) => l.msg.includes('signed with a rotated-out key'));
    expect(warns.map((w) => [w.meta?.oldSeq, w.meta?.newSeq, w.meta?.remakes])).toEqual([
      [1, 3, 1],
      [2, 4, 1],
    ]);
  });

  it('the re-made entry is durable before the refused one is removed; a crash between commits it once', async () => {
    const dir = tempDir();
    const chain = new KeyedChain(64);
    await seal(site(dir, chain, 3, oldKey), [0]);
    chain.rotate(oldKey);
    const s = site(dir, chain, 3, newKey);
    const remove = s.outbox.remove.bind(s.outbox);
    let onDisk: OutboxEntry | null = null;
    s.outbox.remove = (seq) => {
      if (seq !== 1) return remove(seq);
      onDisk = readEntryFile(join(dir, 'outbox', '000000000002.json'));
      throw new Error('crash'); // the process dies before the refused entry is removed
    };
    await s.loop.step(0);
    expect(onDisk).toMatchObject({ seq: 2, replaces: 1, remakes: 1 });
    expect(signerOf(onDisk!.envelope)).toBe(hexOf(newKey));
    expect(outboxFiles(dir)).toEqual(['000000000001.json', '000000000002.json']); // both, never neither
    const r = site(dir, chain, 3, newKey);
    expect(r.outbox.supersededOnOpen).toEqual([[1, 2]]);
    expect(outboxFiles(dir)).toEqual(['000000000002.json']);
    await drain(r, chain, 10_000);
    expect(chain.committedSeqs()).toEqual([2]);
    expect(committedContents(chain)).toEqual(expectedContents([0]));
    expect(r.maker.resealed).toHaveLength(0);
    expect(r.counters.snapshot()).toMatchObject({ remade: 0, rejected: 0, committed: 1 });
  });

  it('a site still holding the rotated-out key is refused: nothing re-made, the entry in rejected/ with the reason', async () => {
    const dir = tempDir();
    const chain = new KeyedChain(64);
    const s = site(dir, chain, 3, oldKey);
    await seal(s, [0]);
    chain.rotate(oldKey);
    await s.loop.step(0);
    expect(s.outbox.depth()).toBe(0);
    expect(outboxFiles(dir)).toEqual([]); // no re-made entry was written
    expect(existsSync(join(dir, 'outbox', 'rejected', '000000000001.json'))).toBe(true);
    expect(s.state.get().nextSeq).toBe(2); // no seq spent
    expect(s.counters.snapshot()).toMatchObject({ remade: 0, rejected: 1 });
    expect(s.logs.find((l) => l.level === 'error')?.meta).toMatchObject({
      seq: 1,
      reason: ApiErrorCode.Unauthorized,
      message: 'refused by the permission contract: KeyRotated',
      notRemade: 'signed with a key the chain rotated out; restart with the new keystore',
    });
    expect(chain.committed.size).toBe(0);
  });

  it.each(['SiteRevoked', 'SiteSuspended', 'UnknownSigner'])(
    'an UNAUTHORIZED %s refusal is not re-made: the entry goes to rejected/',
    async (reason) => {
      const dir = tempDir();
      const chain = new KeyedChain(64);
      chain.refusing.set(hexOf(newKey), reason);
      const s = site(dir, chain, 3, newKey);
      await seal(s, [0]);
      await s.loop.step(0);
      expect(s.maker.resealed).toHaveLength(0);
      expect(s.counters.snapshot()).toMatchObject({ remade: 0, rejected: 1 });
      expect(existsSync(join(dir, 'outbox', 'rejected', '000000000001.json'))).toBe(true);
      const err = s.logs.find((l) => l.level === 'error');
      expect(err?.meta).toMatchObject({ message: `refused by the permission contract: ${reason}` });
      expect(err?.meta?.notRemade).toBeUndefined();
    },
  );
});

describe('rotating the key of a site (docs/site.md §5)', () => {
  /** Old-key envelopes admitted to a node's mempool, then the rotation commits before their block. */
  async function pendingAtRotation(dir: string, chain: KeyedChain): Promise<Site> {
    const old = site(dir, chain, 3, oldKey);
    await seal(old, [0, 1]);
    await old.loop.step(0);
    expect(chain.pending.size).toBe(2);
    chain.rotate(oldKey);
    return old;
  }

  it('stopped before, restarted with the new key: old-key envelopes refused at execution are sent again and re-made', async () => {
    const dir = tempDir();
    const chain = new KeyedChain(64);
    await pendingAtRotation(dir, chain);
    const s = site(dir, chain, 3, newKey);
    await s.loop.step(0); // the restart re-sends both: still pending, so admitted
    chain.commit(); // their block executes after the rotation: refused, nothing applied
    expect([chain.committed.size, chain.refused.size]).toEqual([0, 2]);
    await drain(s, chain);
    expect(chain.committedSeqs()).toEqual([3, 4]);
    expect([...chain.committed.values()].map(signerOf)).toEqual([hexOf(newKey), hexOf(newKey)]);
    expect(committedContents(chain)).toEqual(expectedContents([0, 1]));
    expect(s.counters.snapshot()).toMatchObject({ remade: 2, rejected: 0, committed: 2 });
    const resent = s.logs.filter((l) => l.msg.includes('refused envelope at execution'));
    expect(resent.map((l) => [l.meta?.seq, l.meta?.reason])).toEqual([
      [1, 'KeyRotated'],
      [2, 'KeyRotated'],
    ]);
    expect(existsSync(join(dir, 'outbox', 'rejected'))).toBe(false);
  });

  it('still running with the old key when the rotation commits: what the chain then refuses goes to rejected/', async () => {
    const dir = tempDir();
    const chain = new KeyedChain(64);
    const old = await pendingAtRotation(dir, chain);
    await seal(old, [2]); // sealed after the rotation committed, with the old key
    chain.commit();
    await drain(old, chain);
    expect(chain.committed.size).toBe(0);
    expect(old.counters.snapshot()).toMatchObject({ remade: 0, rejected: 3, committed: 0 });
    expect(readdirSync(join(dir, 'outbox', 'rejected')).sort()).toEqual([
      '000000000001.json',
      '000000000002.json',
      '000000000003.json',
    ]);
  });
});
