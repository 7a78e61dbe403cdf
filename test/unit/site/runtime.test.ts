import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { kpiNormalizer } from '../../../site/kpi-normalizer.js';
import { type SiteParts, startSite } from '../../../site/runtime.js';
import { CsvSource } from '../../../site/sources/csv.js';
import { droppedTotal, progressLine } from '../../../site/status.js';
import {
  AutoChain,
  AutoWindowChain,
  contentOf,
  type FakeChain,
  FakeMaker,
  fastOptions,
  noLog,
  tempDir,
} from './helpers.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 1);

/** 3 hours of PM10 readings every 10 minutes, plus one out-of-range and one malformed row. */
function writeCsv(path: string): number {
  const rows = ['time,kpi,series,value,unit'];
  for (let m = 0; m < 180; m += 10) rows.push(`${t0 + m * 60_000},EN: EN: AQ: 1C,PM10,${30 + (m % 7)},µg/m³`);
  rows.push(`${t0 + 5 * 60_000},EN: EN: AQ: 1C,PM10,-3,µg/m³`);
  rows.push(`${t0},EN: EN: AQ: 1C,PM10,abc,µg/m³`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return rows.length - 1;
}

function setup(dir: string, chain: FakeChain, maker = new FakeMaker()) {
  const csv = join(dir, 'in.csv');
  const rows = writeCsv(csv);
  const parts: SiteParts = {
    makeSources: (cursors) => [
      new CsvSource({
        name: 'csv',
        path: csv,
        follow: false,
        pollMs: 5,
        batchLines: 4,
        maxLineBytes: 1_000,
        delimiter: ',',
        columns: {},
        constants: {},
        ...(cursors.csv ? { startCursor: cursors.csv } : {}),
      }),
    ],
    normalizer: kpiNormalizer(),
    maker,
    uploader: chain,
    identity: { country: 250, city: { scheme: 1, code: 'FRPAR' }, siteId: new Uint8Array(16) },
  };
  const opts = fastOptions(join(dir, 'data'), H, 2);
  return { parts, opts, rows };
}

/** Wall-clock time moved to well after the sample hours, so every period is closed. */
function clock(): () => number {
  const start = Date.now();
  return () => t0 + 10 * H + (Date.now() - start);
}

/** Starts a site that prints its progress line every ms into `lines`. */
async function runPrinting({ parts, opts }: ReturnType<typeof setup>) {
  const lines: string[] = [];
  const site = await startSite(
    parts,
    { ...opts, progressMs: 1 },
    { now: clock(), rand: () => 0.5, log: noLog, print: (l) => lines.push(l) },
  );
  return { site, lines };
}

describe('startSite', () => {
  it('collects, seals, uploads and drains; every reading is consolidated or dropped with a reason', async () => {
    const chain = new AutoChain();
    const { parts, opts, rows } = setup(tempDir(), chain);
    const site = await startSite(parts, opts, { now: clock(), rand: () => 0.5, log: noLog });
    await site.done;
    const s = site.status();
    expect(chain.committedSeqs()).toEqual([1, 2, 3]);
    expect(s).toMatchObject({ sealed: 3, committed: 3, outboxDepth: 0, consolidated: 18 });
    expect(s.dropped).toEqual({ INVALID_INPUT: 1, OUT_OF_RANGE: 1 });
    expect(s.consolidated + droppedTotal(s)).toBe(rows);
    expect(progressLine('t', s)).toContain('committed 3');
  });

  it('stops every loop and reports the error when a source fails', async () => {
    const dir = tempDir();
    const { parts, opts } = setup(dir, new AutoChain());
    const missing = new CsvSource({
      name: 'gone',
      path: join(dir, 'no-such.csv'),
      follow: false,
      pollMs: 5,
      batchLines: 4,
      maxLineBytes: 100,
      delimiter: ',',
      columns: {},
      constants: {},
    });
    const site = await startSite(
      { ...parts, makeSources: (c) => [...parts.makeSources(c), missing] },
      { ...opts, exitWhenDrained: false },
      { now: clock(), rand: () => 0.5, log: noLog },
    );
    await expect(site.done).rejects.toThrow('SOURCE_FAILED');
    expect(site.status().lastError).toContain('no-such.csv');
  });

  it('prints a progress line while it works', async () => {
    const { site, lines } = await runPrinting(setup(tempDir(), new AutoChain()));
    await site.done;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^site test: collected \d+ dropped \d+/);
  });

  it('restarted after the chain was down keeps everything and commits each record once', async () => {
    const dir = tempDir();
    const down = new AutoChain();
    down.failNext = Number.POSITIVE_INFINITY;
    const first = setup(dir, down);
    const site1 = await startSite(first.parts, first.opts, { now: clock(), rand: () => 0.5, log: noLog });
    await vi.waitFor(() => expect(site1.status().sealed).toBe(3), { timeout: 5_000, interval: 5 });
    expect(site1.status().retries).toBeGreaterThan(0);
    await site1.stop();
    // Same data folder, chain back: the outbox is sent, nothing is sealed or read again.
    const up = new AutoChain();
    const maker = new FakeMaker();
    const second = setup(dir, up, maker);
    const site2 = await startSite(second.parts, second.opts, { now: clock(), rand: () => 0.5, log: noLog });
    await site2.done;
    expect(maker.made).toHaveLength(0);
    expect(up.committedSeqs()).toEqual([1, 2, 3]);
    expect(site2.status()).toMatchObject({ collected: 0, committed: 3, outboxDepth: 0 });
  });

  it('re-makes a record a node lost before it committed past the replay window; nothing is rejected', async () => {
    const chain = new AutoWindowChain(1);
    chain.lose.set(1, Number.POSITIVE_INFINITY); // admitted by a node that crashed before gossiping it
    const maker = new FakeMaker();
    const { site, lines } = await runPrinting(setup(tempDir(), chain, maker));
    await site.done;
    expect(chain.committedSeqs()).toEqual([2, 3, 4]);
    expect(maker.resealed.map((r) => r.seq)).toEqual([4]);
    const sealed = maker.made.map((m) => JSON.stringify({ time: m.record.time, entries: m.record.entries }));
    expect([...chain.committed.values()].map(contentOf).sort()).toEqual(sealed.sort());
    expect(site.status()).toMatchObject({ sealed: 3, remade: 1, rejected: 0, committed: 3, outboxDepth: 0 });
    expect(lines.at(-1)).toContain('remade 1');
  });
});
