import { describe, expect, it } from 'vitest';
import { encodeExtension } from '../../../codec/extension.js';
import { encodeKpiRecord } from '../../../codec/kpi-record.js';
import { backoffDelay } from '../../../site/backoff.js';
import { Outbox, tracingCodeOf } from '../../../site/outbox.js';
import { EXT_SESSION_OFFER } from '../../../site/session-offer.js';
import { SiteCounters } from '../../../site/status.js';
import { UploadLoop } from '../../../site/upload-loop.js';
import { FakeChain, noLog, seqOf, tempDir } from './helpers.js';

const backoff = { baseMs: 100, maxMs: 5_000, jitter: 0.5 };
const opts = { maxBatch: 2, receiptPollMs: 1_000, maxReceiptsPerStep: 100, backoff };

function filledOutbox(dir: string, n: number): Outbox {
  const box = new Outbox(dir, { maxEntries: 100, maxBytes: 1e6 });
  for (let seq = 1; seq <= n; seq++) {
    const envelope = new TextEncoder().encode(JSON.stringify({ seq }));
    box.add({
      seq,
      period: 0,
      part: 0,
      parts: 1,
      tracingCode: tracingCodeOf(envelope),
      envelope,
      createdAt: 0,
    });
  }
  return box;
}

function loop(outbox: Outbox, chain: FakeChain, counters = new SiteCounters(), rand = () => 0.5): UploadLoop {
  return new UploadLoop({ outbox, uploader: chain, counters, rand, log: noLog }, opts);
}

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, with jitter inside [d*(1-j), d]', () => {
    expect(backoffDelay(1, backoff, () => 0.999999)).toBe(100);
    expect(backoffDelay(1, backoff, () => 0)).toBe(50);
    expect(backoffDelay(4, backoff, () => 0.999999)).toBe(800);
    expect(backoffDelay(40, backoff, () => 0.999999)).toBe(5_000);
    expect(backoffDelay(40, backoff, () => 0)).toBe(2_500);
  });
});

describe('UploadLoop', () => {
  it('backs off exponentially while the chain fails N times, then uploads everything once', async () => {
    const chain = new FakeChain();
    chain.failNext = 4;
    const counters = new SiteCounters();
    const l = loop(filledOutbox(tempDir(), 3), chain, counters);
    let now = 1_000_000;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const w = await l.step(now);
      waits.push(w);
      // A step before the backoff expires does not call the chain.
      const calls = chain.calls;
      expect(await l.step(now + w - 1)).toBe(1);
      expect(chain.calls).toBe(calls);
      now += w;
    }
    // rand() = 0.5 with jitter 0.5: 0.75 of 100, 200, 400, 800.
    expect(waits).toEqual([75, 150, 300, 600]);
    expect(counters.snapshot().retries).toBe(4);
    expect(counters.snapshot().lastError).toContain('UNAVAILABLE');
    expect(await l.step(now)).toBe(0); // two sent, one left: go again at once
    expect(await l.step(now)).toBeGreaterThan(0);
    expect(chain.pending.size).toBe(3);
    expect(counters.snapshot().uploaded).toBe(3);
    expect(l.consecutiveFailures()).toBe(0);
  });

  it('removes entries only once the chain reports them committed', async () => {
    const dir = tempDir();
    const chain = new FakeChain();
    const counters = new SiteCounters();
    const box = filledOutbox(dir, 2);
    const l = loop(box, chain, counters);
    await l.step(0);
    expect(box.depth()).toBe(2);
    await l.step(1_000);
    expect(box.depth()).toBe(2); // pending, not committed
    chain.commit();
    await l.step(2_000);
    expect(box.depth()).toBe(0);
    expect(new Outbox(dir, { maxEntries: 100, maxBytes: 1e6 }).depth()).toBe(0);
    expect(counters.snapshot().committed).toBe(2);
  });

  it('never sends again an envelope refused when its block executed; without a re-maker it goes to rejected/', async () => {
    const chain = new FakeChain();
    chain.refuseAtExecution.add(2);
    const counters = new SiteCounters();
    const box = filledOutbox(tempDir(), 2);
    const l = loop(box, chain, counters);
    await l.step(0);
    chain.commit();
    await l.step(1_000);
    // seq 1 applied and removed; seq 2 refused at execution: final for that envelope, which the
    // chain would only answer with its recorded result (the re-maker would seal its reading anew).
    expect(box.depth()).toBe(0);
    expect(chain.committedSeqs()).toEqual([1]);
    await l.step(2_000);
    expect([...chain.sent.values()]).toEqual([1, 1]);
    expect(chain.pending.size).toBe(0);
    expect(counters.snapshot()).toMatchObject({ committed: 1, rejected: 1 });
  });

  it('after a restart re-sends what it had sent; the chain dedupes, nothing is committed twice', async () => {
    const dir = tempDir();
    const chain = new FakeChain();
    const l1 = loop(filledOutbox(dir, 3), chain);
    await l1.step(0);
    await l1.step(0);
    chain.commit();
    expect(chain.committedSeqs()).toEqual([1, 2, 3]);
    // Restart before any receipt was read: a new loop over the reopened outbox.
    const box = new Outbox(dir, { maxEntries: 100, maxBytes: 1e6 });
    const l2 = loop(box, chain);
    await l2.step(10);
    await l2.step(10);
    expect(box.depth()).toBe(0);
    expect(chain.committedSeqs()).toEqual([1, 2, 3]);
  });

  it('sends again an admitted envelope the chain later forgets (a node lost its mempool)', async () => {
    const chain = new FakeChain();
    const box = filledOutbox(tempDir(), 1);
    const l = loop(box, chain);
    await l.step(0);
    chain.pending.clear();
    await l.step(1_000); // receipt: unknown -> marked for re-send
    await l.step(1_000);
    expect(chain.pending.size).toBe(1);
    chain.commit();
    await l.step(3_000);
    expect(box.depth()).toBe(0);
  });

  it('moves a rejected envelope aside and counts it', async () => {
    const chain = new FakeChain();
    chain.rejectSeqs.add(2);
    const counters = new SiteCounters();
    const box = filledOutbox(tempDir(), 2);
    await loop(box, chain, counters).step(0);
    expect(box.entries().map((e) => e.seq)).toEqual([1]);
    expect(counters.snapshot().rejected).toBe(1);
  });

  it('while an entry carrying a session offer waits, sends only such entries, then the rest', async () => {
    const chain = new FakeChain();
    const box = filledOutbox(tempDir(), 4);
    // Seq 5 opens a session (say, re-made under a later seq than the packets sealed with it).
    const offer = encodeExtension([{ type: EXT_SESSION_OFFER, value: new Uint8Array(96) }]);
    const record = encodeKpiRecord({
      country: 756,
      city: { scheme: 1, code: 'CHGVA' },
      siteId: new Uint8Array(16),
      time: 0,
      entries: [{ code: 21101, series: 0, value: 1, flags: 0 }],
      extension: offer,
    });
    const envelope = new TextEncoder().encode(JSON.stringify({ seq: 5 }));
    box.add({
      seq: 5,
      period: 0,
      part: 0,
      parts: 1,
      tracingCode: tracingCodeOf(envelope),
      envelope,
      record,
      createdAt: 0,
    });
    expect(box.sessionOfferSeqs()).toEqual([5]);
    const l = loop(box, chain);
    expect(await l.step(0)).toBeGreaterThan(0); // nothing else may go: wait for the receipt poll
    expect([...chain.pending.values()].map(seqOf)).toEqual([5]);
    chain.commit();
    await l.step(1_000); // receipt: committed, removed; the gate opens
    expect(box.sessionOfferSeqs()).toEqual([]);
    await l.step(1_000);
    await l.step(1_000);
    expect([...chain.pending.values()].map(seqOf)).toEqual([1, 2, 3, 4]);
  });
});
