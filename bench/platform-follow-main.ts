// Extraction end to end, alone: `npm run build && node build/bench/platform-follow-main.js
// [--blocks 10] [--per-block 500] [--no-server]`. Prints envelopes per second of each phase on the
// main thread and of the Extractor following the chain into each back end (no guard: a rate on a
// shared machine measures its load; compare runs made back to back).
import { runFollowBench } from './platform-follow.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}

const blocks = arg('--blocks', 10);
const perBlock = arg('--per-block', 500);
const r = await runFollowBench({ blocks, perBlock, server: !process.argv.includes('--no-server') });
const f = (x: number) => x.toFixed(0).padStart(6);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
process.stdout.write(
  `extraction, ${blocks} blocks of ${perBlock} uploads (envelopes/s)\n` +
    `  phases alone: certificate+body ${f(r.phases.verify)}  execute ${f(r.phases.execute)}  open ${f(r.phases.open)}\n` +
    `  end to end:   PGlite on disk ${f(r.pglite.envelopesPerSecond)} (${r.pglite.msPerBlock.toFixed(0)} ms/block, store ${pct(r.pglite.storeShare)})` +
    (r.postgres
      ? `  PostgreSQL ${f(r.postgres.envelopesPerSecond)} (${r.postgres.msPerBlock.toFixed(0)} ms/block, store ${pct(r.postgres.storeShare)})`
      : '') +
    '\n',
);
