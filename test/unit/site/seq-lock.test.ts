// The seal loop and the re-maker both allocate sequence numbers across an await; the SeqLock
// makes them take turns so that no seq is ever given to two envelopes.
import { join } from 'node:path';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { kpiNormalizer } from '../../../site/kpi-normalizer.js';
import { Outbox, tracingCodeOf } from '../../../site/outbox.js';
import { Remaker } from '../../../site/remaker.js';
import { PeriodSealer } from '../../../site/sealer.js';
import { SeqLock } from '../../../site/seq-lock.js';
import { Spool } from '../../../site/spool.js';
import { StateFile } from '../../../site/state.js';
import { SiteCounters } from '../../../site/status.js';
import { FakeMaker, noLog, reading, tempDir } from './helpers.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 1);

describe('SeqLock', () => {
  it('runs blocks one at a time in call order; a failed block does not stop the next', async () => {
    const lock = new SeqLock();
    const order: string[] = [];
    const block =
      (name: string, fail = false) =>
      async () => {
        order.push(`${name}+`);
        await yieldTurn();
        order.push(`${name}-`);
        if (fail) throw new Error(name);
        return name;
      };
    const runs = [lock.run(block('a')), lock.run(block('b', true)), lock.run(block('c'))];
    const results = await Promise.allSettled(runs);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('a re-make racing the sealing of periods never shares a seq with a sealed envelope', async () => {
    const dir = tempDir();
    const outbox = new Outbox(join(dir, 'outbox'), { maxEntries: 100, maxBytes: 1e6 });
    const spool = new Spool(join(dir, 'spool'), H);
    const state = new StateFile(join(dir, 'state.json'));
    const counters = new SiteCounters();
    const lock = new SeqLock();
    // A maker that gives the event loop away while it "seals", like real sealing's awaits.
    const maker = new FakeMaker();
    const seal = maker.seal.bind(maker);
    const reseal = maker.reseal.bind(maker);
    maker.seal = async (r, seq) => {
      await yieldTurn();
      return seal(r, seq);
    };
    maker.reseal = async (r, seq) => {
      await yieldTurn();
      return reseal(r, seq);
    };
    const identity = { country: 250, city: { scheme: 1, code: 'FRPAR' }, siteId: new Uint8Array(16) };
    const deps = { spool, outbox, state, counters, lock, maker, log: noLog };
    const sealer = new PeriodSealer(
      { ...deps, normalizer: kpiNormalizer(), identity },
      { periodMs: H, maxEntriesPerRecord: 128 },
    );
    const remaker = new Remaker(deps, 3);
    spool.append([reading({ time: t0, id: 'first' })]);
    await sealer.sealClosed(0, 0, true);
    const refused = outbox.get(1)!;
    spool.append([0, 1, 2, 3].map((h) => reading({ time: t0 + (h + 1) * H, id: `h${h}` })));
    const [sealedCount, remade] = await Promise.all([
      sealer.sealClosed(0, 0, true),
      remaker.remake(refused, 5),
    ]);
    expect(sealedCount).toBe(4);
    expect(remade.kind).toBe('remade');
    const seqs = outbox.entries().map((e) => e.seq);
    expect(seqs).toEqual([2, 3, 4, 5, 6]);
    expect(outbox.entries().map((e) => tracingCodeOf(e.envelope) === e.tracingCode)).not.toContain(false);
    expect(state.get().nextSeq).toBe(7);
  });
});
