// Shared plumbing of the benchmarks: the report shape every bench returns, guards (ratios
// measured in the same run against a threshold), running a benchmark.js suite, and writing
// bench/results/<name>.json.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Benchmark from 'benchmark';

export interface BenchOptions {
  /** Short run for CI: fewer samples, smaller data sets. */
  ci: boolean;
}

/** A ratio measured in this run compared with the threshold it must reach. */
export interface Guard {
  name: string;
  ratio: number;
  threshold: number;
  pass: boolean;
}

export interface BenchReport {
  name: string;
  /** Free-form figures: ops/s per case, bytes per record, percentiles... */
  results: Record<string, unknown>;
  guards: Guard[];
}

export function guard(name: string, ratio: number, threshold: number): Guard {
  return { name, ratio, threshold, pass: Number.isFinite(ratio) && ratio >= threshold };
}

/** Runs benchmark.js cases one after another and returns ops/s per case name. */
export function runSuite(
  title: string,
  cases: Record<string, () => void>,
  opts: BenchOptions,
): Record<string, number> {
  const suite = new Benchmark.Suite(title);
  const maxTime = opts.ci ? 0.5 : 3;
  for (const [name, fn] of Object.entries(cases))
    suite.add(name, fn, { maxTime, minSamples: opts.ci ? 3 : 10 });
  const out: Record<string, number> = {};
  suite.on('cycle', (ev: Benchmark.Event) => {
    const b = ev.target as unknown as Benchmark;
    out[String(b.name)] = b.hz ?? 0;
    process.stdout.write(`  ${title} › ${String(b)}\n`);
  });
  suite.run({ async: false });
  return out;
}

// npm scripts run from the repository root.
const resultsDir = join(process.cwd(), 'bench', 'results');

/** Writes bench/results/<name>.json atomically and returns its path. */
export function writeReport(report: BenchReport): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${report.name}.json`);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...report, at: new Date().toISOString() }, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

export function printGuards(guards: Guard[]): void {
  for (const g of guards) {
    const mark = g.pass ? 'ok  ' : 'FAIL';
    process.stdout.write(`  [${mark}] ${g.name}: ${g.ratio.toFixed(2)} (threshold ${g.threshold})\n`);
  }
}
