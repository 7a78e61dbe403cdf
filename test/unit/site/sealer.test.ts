import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KpiQuality } from '../../../codec/types.js';
import { kpiNormalizer } from '../../../site/kpi-normalizer.js';
import { Outbox, type OutboxEntry } from '../../../site/outbox.js';
import { PeriodSealer } from '../../../site/sealer.js';
import { SeqLock } from '../../../site/seq-lock.js';
import { Spool } from '../../../site/spool.js';
import { StateFile } from '../../../site/state.js';
import { SiteCounters } from '../../../site/status.js';
import { FakeMaker, noLog, reading, tempDir } from './helpers.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 1);
const identity = { country: 156, city: { scheme: 1, code: 'CNSHA' }, siteId: new Uint8Array(16) };

/** Opens a site's stores as a fresh process would; `added` records every entry made durable. */
function open(dir: string, added: OutboxEntry[] = [], maxEntriesPerRecord = 128) {
  const spool = new Spool(join(dir, 'spool'), H);
  const outbox = new Outbox(join(dir, 'outbox'), { maxEntries: 1000, maxBytes: 1e7 });
  const realAdd = outbox.add.bind(outbox);
  outbox.add = (e) => {
    realAdd(e);
    added.push(e);
  };
  const state = new StateFile(join(dir, 'state.json'));
  const counters = new SiteCounters();
  const maker = new FakeMaker();
  const lock = new SeqLock();
  const deps = {
    spool,
    outbox,
    state,
    counters,
    maker,
    lock,
    normalizer: kpiNormalizer(),
    identity,
    log: noLog,
  };
  const sealer = new PeriodSealer(deps, { periodMs: H, maxEntriesPerRecord });
  return { spool, outbox, state, counters, maker, sealer };
}

describe('PeriodSealer', () => {
  it('seals only closed periods, consolidating and counting every drop by reason', async () => {
    const s = open(tempDir());
    s.spool.append([
      reading({ value: 30, id: 'a', time: t0 + 1 }),
      reading({ value: 50, id: 'b', time: t0 + 2 }),
      reading({ series: 'PM2.5', value: 0.02, unit: 'mg/m3', id: 'c' }),
      reading({ value: -5, id: 'd', time: t0 + 3 }),
      reading({ kpi: 'no such kpi', id: 'e' }),
      reading({ unit: 'furlongs', id: 'f', time: t0 + 4 }),
      reading({ value: 1, id: 'a', time: t0 + 1 }), // same source+id re-read after a restart: deduped by the spool
      reading({ time: t0 + H + 5, id: 'g' }),
    ]);
    expect(await s.sealer.sealClosed(t0 + H + 1_000, 60_000)).toBe(0); // first period not closed yet
    expect(await s.sealer.sealClosed(t0 + H + 60_000, 60_000)).toBe(1);
    const rec = s.maker.made[0]!.record;
    expect(rec.time).toBe(t0);
    expect(rec.entries).toHaveLength(2);
    expect(rec.entries[0]).toMatchObject({ series: 0, value: 40 });
    expect(rec.entries[1]).toMatchObject({ series: 1, value: 20 });
    expect(rec.entries[1]!.flags & KpiQuality.Converted).toBeTruthy();
    const st = s.counters.snapshot();
    expect(st.dropped).toEqual({ OUT_OF_RANGE: 1, UNKNOWN_KPI: 1, UNKNOWN_UNIT: 1 });
    expect(st.consolidated).toBe(3);
    expect(st.sealed).toBe(1);
    expect(s.spool.periods()).toEqual([t0 + H]);
    expect(s.state.get()).toMatchObject({ nextSeq: 2, sealedThrough: t0 });
    expect(s.sealer.isLate(t0 + 10)).toBe(true);
    expect(s.sealer.isLate(t0 + H)).toBe(false);
  });

  it('splits a period into parts of at most maxEntriesPerRecord entries', async () => {
    const s = open(tempDir(), [], 2);
    s.spool.append(['PM10', 'PM2.5', 'NO2', 'SO2', 'O3'].map((series) => reading({ series, id: series })));
    await s.sealer.sealClosed(0, 0, true);
    expect(s.outbox.entries().map((e) => [e.seq, e.part, e.parts])).toEqual([
      [1, 0, 3],
      [2, 1, 3],
      [3, 2, 3],
    ]);
  });

  it('keeps a reading spooled while its period was being sealed, and counts it late', async () => {
    const s = open(tempDir());
    s.spool.append([reading({ id: 'early' })]);
    const seal = s.maker.seal.bind(s.maker);
    s.maker.seal = async (record, seq) => {
      s.spool.append([reading({ id: 'racing', time: t0 + 7 })]); // a collector, during the await
      return seal(record, seq);
    };
    await s.sealer.sealClosed(0, 0, true);
    expect(s.spool.load(t0).readings.map((r) => r.id)).toEqual(['racing']);
    s.maker.seal = seal;
    await s.sealer.sealClosed(0, 0, true);
    expect(s.spool.periods()).toEqual([]);
    expect(s.counters.snapshot().dropped).toEqual({ LATE: 1 });
    expect(s.counters.snapshot().consolidated).toBe(1);
  });

  it('stops without error when the outbox is full, and keeps the period spooled', async () => {
    const dir = tempDir();
    const s = open(dir);
    s.spool.append([reading({ id: 'x' })]);
    s.outbox.hasRoom = () => false;
    expect(await s.sealer.sealClosed(0, 0, true)).toBe(0);
    expect(s.spool.periods()).toEqual([t0]);
    expect(s.counters.snapshot().lastError).toContain('OUTBOX_FULL');
  });

  it('completes a period torn by a crash between its parts, making only the missing part', async () => {
    const dir = tempDir();
    const added: OutboxEntry[] = [];
    const s = open(dir, added, 1);
    s.spool.append([reading({ id: 'p' }), reading({ series: 'NO2', id: 'n' })]);
    let adds = 0;
    const add = s.outbox.add;
    s.outbox.add = (e) => {
      if (++adds === 2) throw new Error('crash');
      add(e);
    };
    await expect(s.sealer.sealClosed(0, 0, true)).rejects.toThrow('crash');
    // Restart: recover() must finish the period before anything is uploaded.
    const r = open(dir, added, 1);
    expect(r.state.get().nextSeq).toBe(1); // the state write never happened...
    await r.sealer.recover(0);
    expect(r.outbox.entries().map((e) => [e.seq, e.part])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(r.state.get()).toMatchObject({ nextSeq: 3, sealedThrough: t0 }); // ...and is repaired
    expect(r.spool.periods()).toEqual([]);
  });

  it('never reuses a sequence number across restarts and crashes at any write', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            periods: fc.integer({ min: 1, max: 3 }),
            crashAt: fc.integer({ min: 0, max: 4 }),
            commit: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (runs) => {
          const dir = tempDir();
          const added: OutboxEntry[] = [];
          let hour = 0;
          for (const run of runs) {
            const s = open(dir, added, 1);
            await s.sealer.recover(0);
            // Some of what is in the outbox got committed and removed by the upload loop.
            if (run.commit) for (const e of s.outbox.entries()) s.outbox.remove(e.seq);
            for (let p = 0; p < run.periods; p++, hour++) {
              const time = t0 + hour * H;
              s.spool.append([
                reading({ time, id: `a${hour}` }),
                reading({ time, series: 'O3', id: `b${hour}` }),
              ]);
            }
            let adds = 0;
            const add = s.outbox.add;
            s.outbox.add = (e) => {
              if (run.crashAt > 0 && ++adds === run.crashAt) throw new Error('crash');
              add(e);
            };
            await s.sealer.sealClosed(0, 0, true).catch(() => undefined);
          }
          const final = open(dir, added, 1);
          await final.sealer.recover(0);
          await final.sealer.sealClosed(0, 0, true);
          const seqs = added.map((e) => e.seq);
          expect(new Set(seqs).size).toBe(seqs.length);
          // Every (period, part) made it durable exactly once.
          const keys = added.map((e) => `${e.period}/${e.part}`);
          expect(new Set(keys).size).toBe(keys.length);
          expect(keys.length).toBe(hour * 2);
        },
      ),
      { numRuns: 12 },
    );
  });
});
