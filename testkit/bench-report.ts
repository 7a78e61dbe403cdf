// The report every benchmark returns (bench/ and the cluster benchmark in devnet/load): guards
// (ratios measured in the same run against a threshold), printing them, and writing
// bench/results/<name>.json. Running a benchmark.js suite is bench/suite.ts.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
  /** The ratio must stay at or under the threshold (a cost), not reach it (a rate). */
  atMost?: true;
  /**
   * Fails the run even where the benchmark's speed guards are advisory: a check that the benchmark
   * measured what it meant to (its load was taken at all), or a guard on a figure that does not
   * depend on how much of the machine the run got (CPU per envelope against CPU per envelope).
   */
  blocking?: true;
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

/** A cost guard: passes when the ratio is finite and at most the threshold. */
export function ceilingGuard(name: string, ratio: number, threshold: number): Guard {
  return { name, ratio, threshold, pass: Number.isFinite(ratio) && ratio <= threshold, atMost: true };
}

/** The guards of an advisory benchmark: printed, not failing the run; blocking checks stay as they are. */
export function markAdvisory(list: readonly Guard[]): Guard[] {
  return list.map((g) => (g.blocking ? g : { ...g, name: `${g.name} (advisory)` }));
}

/** Guards that fail the run: failed and not advisory. */
export function blockingFailures(list: readonly Guard[]): number {
  return list.filter((g) => !g.pass && !g.name.endsWith('(advisory)')).length;
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
    const limit = g.atMost ? `at most ${g.threshold}` : `threshold ${g.threshold}`;
    process.stdout.write(`  [${mark}] ${g.name}: ${g.ratio.toFixed(2)} (${limit})\n`);
  }
}
