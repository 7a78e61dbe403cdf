// Long randomized simulator runs outside the test suite: `node build/bench/sim.js --seeds N`
// (after `npm run build`), or `--seed S` to reproduce one run with its details. Every failing
// seed is printed with its one-line reproduction command and added to
// test/sim/regressions.json, so CI keeps running it. `--reconfig`: the runs change the
// validator set under faults (testkit/sim/reconfig-run.ts); failures go to reconfig-regressions.json.
import '../node/polyfill.js';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { type Regression, randomRun, reproduceCommand } from '../testkit/sim/random-run.js';
import { reconfigRun } from '../testkit/sim/reconfig-run.js';

/** Keeps a failing seed as a regression case that CI runs from now on. */
function keepRegression(regressionsFile: string, seed: number, chaosTicks: number): void {
  const list: Regression[] = JSON.parse(readFileSync(regressionsFile, 'utf8'));
  const entry: Regression = chaosTicks === 240 ? seed : { seed, chaosTicks };
  if (list.some((r) => JSON.stringify(r) === JSON.stringify(entry))) return;
  list.push(entry);
  writeFileSync(`${regressionsFile}.tmp`, `${JSON.stringify(list)}\n`);
  renameSync(`${regressionsFile}.tmp`, regressionsFile);
}

const program = new Command()
  .name('sim')
  .description('randomized PBFT simulator runs (testkit/sim)')
  .option('--seeds <n>', 'number of seeds to run', '1000')
  .option('--from <n>', 'first seed', '1')
  .option('--seed <s>', 'run one seed and print its result')
  .option('--chaos <ticks>', 'ticks of the fault phase', '240')
  .option('--reconfig', 'validator-set changes under faults (testkit/sim/reconfig-run.ts)')
  .parse();

const opts = program.opts<{
  seeds: string;
  from: string;
  seed?: string;
  chaos: string;
  reconfig?: boolean;
}>();
const runOpts = { chaosTicks: Number(opts.chaos) };
const reconfig = opts.reconfig === true;
const run = reconfig ? reconfigRun : randomRun;
// Run from the repository root (npm run sim).
const regressionsFile = join(
  process.cwd(),
  'test',
  'sim',
  reconfig ? 'reconfig-regressions.json' : 'regressions.json',
);

if (opts.seed !== undefined) {
  const r = run(Number(opts.seed), runOpts);
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exitCode = r.ok ? 0 : 1;
} else {
  const from = Number(opts.from);
  const count = Number(opts.seeds);
  const started = performance.now();
  let failed = 0;
  let messages = 0;
  for (let seed = from; seed < from + count; seed++) {
    const r = run(seed, runOpts);
    messages += r.messages;
    if (!r.ok) {
      failed++;
      keepRegression(regressionsFile, seed, runOpts.chaosTicks);
      process.stdout.write(
        `FAIL seed ${seed} (${r.fault}, n=${r.n}): ${r.error}\n  reproduce: ${reproduceCommand(seed, runOpts.chaosTicks, reconfig)}\n`,
      );
    }
    if ((seed - from + 1) % 100 === 0)
      process.stdout.write(`  ${seed - from + 1}/${count} seeds, ${failed} failed\n`);
  }
  const secs = (performance.now() - started) / 1000;
  process.stdout.write(
    `${count} seeds, ${failed} failed, ${messages} messages delivered, ${secs.toFixed(1)} s\n`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}
