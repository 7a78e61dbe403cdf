// Commit latency while pruning runs, and disk use before and after pruning (docs/storage.md,
// "Retention and pruning"): `npm run build && node build/bench/prune-main.js [--fill N] [--measure M]
// [--envelopes E] [--keep K]`. It fills a fresh store with N blocks of E envelopes (the ledger
// path, as bench/store), in small block-log segments so pruning has many to delete, then commits
// M more blocks twice: once with nothing else running (baseline), once with the node's Pruner
// (node/pruner.ts) running back to back in the background, keeping the last K blocks, the worst
// case (a node's pruner waits retain.intervalMs between runs). Prints per-commit p50/p99/max of
// both phases and the data folder's size (block log and LevelDB) before and after. Results on a
// shared machine depend on its load, which is printed with them.
import '../node/polyfill.js';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldNow } from 'node:timers/promises';
import { openPersistedLedger } from '../node/persisted-ledger.js';
import { Pruner } from '../node/pruner.js';
import { silentLogger } from '../runtime/log.js';
import { benchChain, nextBlock } from './store-data.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? undefined : Number(process.argv[i + 1]);
  if (v !== undefined && !(Number.isSafeInteger(v) && v > 0))
    throw new Error(`--${name}: a positive integer`);
  return v ?? fallback;
}

const FILL = flag('fill', 400);
const MEASURE = flag('measure', 100);
const ENVELOPES = flag('envelopes', 200);
const KEEP = flag('keep', 50);
/** Small segments (a few blocks each), so pruning deletes many files during the measured phase. */
const SEGMENT_BYTES = 1024 * 1024;

function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(ms: number[]): { p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? Number.NaN) };
}

const dir = mkdtempSync(join(tmpdir(), 'bkdms-prune-bench-'));
try {
  const chain = benchChain();
  const ledger = await openPersistedLedger(dir, chain.genesis, { segmentBytes: SEGMENT_BYTES });
  let height = 0;
  const commit = async (): Promise<number> => {
    height++;
    const b = nextBlock(chain, height, ENVELOPES);
    const t = performance.now();
    await ledger.commit(b.bytes, b.decoded);
    return performance.now() - t;
  };
  const loadBefore = loadavg()[0]!;
  for (let i = 0; i < FILL; i++) await commit();
  const usage = () => ({ blockLog: sizeOf(join(dir, 'blocks')), total: sizeOf(dir) });
  const before = usage();

  const baseline: number[] = [];
  for (let i = 0; i < MEASURE; i++) baseline.push(await commit());

  const pruner = new Pruner({
    store: ledger.store,
    dataDir: dir,
    retain: { blocks: KEEP, intervalMs: 1, stepsPerRun: 8 },
    log: silentLogger,
  });
  let pruning = true;
  let segments = 0;
  let prunedBlocks = 0;
  const background = (async () => {
    while (pruning) {
      const run = await pruner.runOnce();
      segments += run.segments;
      prunedBlocks += run.blocks;
      // Nothing to delete yet: a short back-off (the node waits retain.intervalMs), not a spin.
      if (run.segments === 0) await new Promise((r) => setTimeout(r, 10));
      else await yieldNow();
    }
  })();
  const during: number[] = [];
  for (let i = 0; i < MEASURE; i++) during.push(await commit());
  pruning = false;
  await background;
  const earliest = ledger.store.earliestHeight();
  await ledger.close();
  const after = usage();

  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  const report = {
    blocks: {
      fill: FILL,
      measure: MEASURE,
      envelopesPerBlock: ENVELOPES,
      keep: KEEP,
      segmentBytes: SEGMENT_BYTES,
    },
    commitMs: { baseline: summary(baseline), duringPruning: summary(during) },
    pruned: { segments, blocks: prunedBlocks, earliestHeight: earliest, tip: height },
    diskMiB: {
      before: { blockLog: mib(before.blockLog), total: mib(before.total) },
      after: { blockLog: mib(after.blockLog), total: mib(after.total) },
    },
    machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg()[0] },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
