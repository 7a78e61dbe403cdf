import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect } from '../../../site/collector.js';
import { kpiNormalizer } from '../../../site/kpi-normalizer.js';
import { Outbox } from '../../../site/outbox.js';
import { PeriodSealer } from '../../../site/sealer.js';
import { SeqLock } from '../../../site/seq-lock.js';
import type { ReadingBatch, Source } from '../../../site/sources/source.js';
import { Spool } from '../../../site/spool.js';
import { StateFile } from '../../../site/state.js';
import { progressLine, SiteCounters } from '../../../site/status.js';
import { FakeMaker, noLog, reading, tempDir } from './helpers.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 1);

class ListSource implements Source {
  readonly name = 'list';
  constructor(private readonly list: ReadingBatch[]) {}
  caughtUp(): boolean {
    return true;
  }
  async *batches(): AsyncIterable<ReadingBatch> {
    yield* this.list;
  }
}

function stores(dir: string) {
  const spool = new Spool(join(dir, 'spool'), H);
  const outbox = new Outbox(join(dir, 'outbox'), { maxEntries: 10, maxBytes: 1e6 });
  const state = new StateFile(join(dir, 'state.json'));
  const counters = new SiteCounters();
  const identity = { country: 250, city: { scheme: 1, code: 'FRPAR' }, siteId: new Uint8Array(16) };
  const deps = { spool, outbox, state, counters, log: noLog };
  const sealer = new PeriodSealer(
    { ...deps, lock: new SeqLock(), normalizer: kpiNormalizer(), maker: new FakeMaker(), identity },
    { periodMs: H, maxEntriesPerRecord: 128 },
  );
  return { ...deps, sealer, maxSpoolBytes: 1e6, spoolFullWaitMs: 1 };
}

describe('collect', () => {
  it('spools valid readings, drops invalid and late ones with reasons, and saves the cursor', async () => {
    const dir = tempDir();
    const d = stores(dir);
    d.spool.append([reading({ id: 'first' })]);
    await d.sealer.sealClosed(t0 + 2 * H, 0); // the first hour is sealed
    const src = new ListSource([
      {
        readings: [reading({ time: t0 + 5, id: 'late' }), reading({ time: t0 + H + 5, id: 'ok' })],
        invalid: [{ source: 'list', id: '9', reason: 'bad' }],
        cursor: '42',
      },
    ]);
    await collect(src, d, new AbortController().signal);
    expect(d.counters.snapshot()).toMatchObject({ collected: 1, dropped: { LATE: 1, INVALID_INPUT: 1 } });
    expect(d.spool.periods()).toEqual([t0 + H]);
    expect(new StateFile(join(dir, 'state.json')).get().cursors).toEqual({ list: '42' });
  });

  it('holds the source back while the spool is over its cap', async () => {
    const d = { ...stores(tempDir()), maxSpoolBytes: 1 };
    const src = new ListSource([
      { readings: [reading({ id: 'a' })], invalid: [] },
      { readings: [reading({ id: 'b' })], invalid: [] },
    ]);
    const ac = new AbortController();
    const run = collect(src, d, ac.signal);
    // The first batch fills the spool; the second is not taken until room is made.
    await expect.poll(() => d.counters.snapshot().collected).toBe(1);
    expect(d.spool.load(t0).readings.map((r) => r.id)).toEqual(['a']);
    d.spool.remove(t0);
    await expect.poll(() => d.counters.snapshot().collected).toBe(2);
    ac.abort(); // the spool is over its cap again: the pump waits until stopped
    await run;
    expect(d.spool.load(t0).readings.map((r) => r.id)).toEqual(['b']);
  });

  it('shows a source that cannot read in the status until it reads again', async () => {
    const d = stores(tempDir());
    let seen: ReturnType<SiteCounters['snapshot']> | undefined;
    class DownThenUp extends ListSource {
      async *batches(): AsyncIterable<ReadingBatch> {
        yield { readings: [], invalid: [], sourceError: 'cannot read database db:5432/x: ECONNREFUSED' };
        seen = d.counters.snapshot();
        yield { readings: [], invalid: [], sourceError: '' };
        yield { readings: [reading({ time: t0 + 5, id: 'r' })], invalid: [], cursor: '7' };
      }
    }
    await collect(new DownThenUp([]), d, new AbortController().signal);
    expect(seen?.sourceErrors).toEqual({ list: 'cannot read database db:5432/x: ECONNREFUSED' });
    expect(progressLine('site', seen!)).toContain('| source list: cannot read database db:5432/x');
    expect(d.counters.snapshot()).toMatchObject({ collected: 1, sourceErrors: {} });
  });
});
