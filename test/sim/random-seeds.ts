// Shared body of the randomized CI suites: runs a range of seeds and fails with the first
// failing seeds and the one-line command that reproduces each.
import { expect } from 'vitest';
import {
  type Regression,
  type RunOptions,
  type RunResult,
  randomRun,
  reproduceCommand,
} from '../../testkit/sim/random-run.js';
import { reconfigRun } from '../../testkit/sim/reconfig-run.js';

/** Runs the seeds (randomRun, or reconfigRun when `reconfig`) and expects no failure. */
export function runSeeds(seeds: readonly Regression[], reconfig = false): RunResult[] {
  const run: (seed: number, opts?: RunOptions) => RunResult = reconfig ? reconfigRun : randomRun;
  const failures: RunResult[] = [];
  for (const s of seeds) {
    const r = typeof s === 'number' ? run(s) : run(s.seed, { chaosTicks: s.chaosTicks });
    if (!r.ok) failures.push(r);
  }
  const report = failures
    .slice(0, 5)
    .map(
      (f) =>
        `seed ${f.seed} (${f.fault}, n=${f.n}): ${f.error}\n  reproduce: ${reproduceCommand(f.seed, f.chaosTicks, reconfig)}`,
    );
  expect(report).toEqual([]);
  return failures;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
