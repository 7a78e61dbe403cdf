// The codec fuzzer standalone (testkit/fuzz.ts): `npm run fuzz -- --count N [--seed S] [--target a,b]`
// (= `npm run build && node build/bench/fuzz-main.js ...`); exits 1 when an input fails.
import { runCodecFuzz, targets } from '../testkit/fuzz.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? '') : undefined;
}

function intArg(name: string, fallback: number): number {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} needs a non-negative integer`);
  return v;
}

const names = arg('--target')?.split(',');
const count = intArg('--count', 1_000_000);
const seed = intArg('--seed', Date.now() % 0x7fff_ffff);
// --count is the whole run, spread evenly over the targets run.
const per = Math.ceil(count / (names ?? targets).length);
const started = process.hrtime.bigint();
const stats = runCodecFuzz(per, seed, names);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`codec fuzz: ${stats.inputs} inputs, seed ${seed}, ${seconds.toFixed(1)} s\n`);
for (const [name, s] of Object.entries(stats.perTarget))
  process.stdout.write(`  ${name.padEnd(24)} ${s.inputs} inputs, ${s.accepted} accepted\n`);
for (const f of stats.failures)
  process.stdout.write(`  FAIL ${f.target}: ${f.error}\n    input ${f.input}\n`);
process.exitCode = stats.failures.length === 0 ? 0 : 1;
