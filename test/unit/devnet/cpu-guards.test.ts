// The cluster benchmark's guards on CPU per envelope: the ratios, the decision, and that a
// regression fails the run even with the cluster benchmark's throughput guards advisory.
import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../../devnet/load/cluster-scenario.js';
import {
  CPU_GOALS,
  CPU_THRESHOLDS,
  type CpuFigures,
  cpuFiguresOf,
  cpuGuards,
  cpuRatios,
} from '../../../devnet/load/cpu-guards.js';
import type { LoadMode } from '../../../devnet/load/plan.js';
import type { VerifyBound } from '../../../devnet/load/verify-bound.js';
import { blockingFailures, guard, markAdvisory } from '../../../testkit/bench-report.js';

/** A run at the thresholds' own scale: n = 4 costs 2× n = 1, n = 1 costs 2.5 verifications. */
const healthy: CpuFigures = { n1MsPerEnvelope: 0.1, n4MsPerEnvelope: 0.2, verifyMsPerEnvelope: 0.04 };

function scenario(n: number, mode: LoadMode, cpuSeconds: number[], committed: number): ScenarioResult {
  return {
    name: `n=${n}`,
    n,
    mode,
    driver: { committed } as ScenarioResult['driver'],
    nodes: [],
    runCpuSeconds: cpuSeconds,
  };
}

const bound: VerifyBound = {
  cores: 2,
  oneCore: 20_000,
  nominal: 40_000,
  allCores: 38_000,
  perCpuSecond: 25_000,
};
const open: LoadMode = { kind: 'open', maxPending: 20_000 };

describe('cluster benchmark: CPU per envelope guards', () => {
  it('divides n = 4 by n = 1, and n = 1 by one verification', () => {
    const r = cpuRatios(healthy);
    expect(r.n4CpuRatio).toBeCloseTo(2, 9);
    expect(r.n1Overhead).toBeCloseTo(2.5, 9);
  });

  it('takes the whole-run figures of the open-loop scenarios and the verify rate per CPU-second', () => {
    const runs = [
      scenario(1, open, [3], 30_000),
      scenario(4, open, [2, 2.4, 2.2, 2.2], 10_000),
      scenario(4, { kind: 'rate', perSecond: 500 }, [9, 9, 9, 9], 100),
    ];
    const f = cpuFiguresOf(runs, bound)!;
    expect(f.n1MsPerEnvelope).toBeCloseTo(0.1, 9);
    expect(f.n4MsPerEnvelope).toBeCloseTo(0.22, 9);
    expect(f.verifyMsPerEnvelope).toBeCloseTo(0.04, 9);
    expect(cpuFiguresOf(runs.slice(1), bound)).toBeUndefined();
  });

  it('passes a run within the thresholds', () => {
    const gs = cpuGuards(healthy);
    expect(gs.map((g) => g.pass)).toEqual([true, true]);
    expect(blockingFailures(markAdvisory(gs))).toBe(0);
  });

  it('fails on purpose: n = 4 regressing past its threshold fails the run inside an advisory benchmark', () => {
    // A change that makes each of four nodes spend 1.2x the threshold's share per envelope.
    const regressed = {
      ...healthy,
      n4MsPerEnvelope: healthy.n1MsPerEnvelope * CPU_THRESHOLDS.n4CpuRatio * 1.2,
    };
    const speed = guard('cluster: n=4 / verify bound', 0.1, 0.5);
    const marked = markAdvisory([speed, ...cpuGuards(regressed)]);
    expect(marked.map((g) => g.pass)).toEqual([false, false, true]);
    // The throughput guard is advisory; the CPU guard is not.
    expect(marked[0]!.name.endsWith('(advisory)')).toBe(true);
    expect(marked[1]!.name.endsWith('(advisory)')).toBe(false);
    expect(blockingFailures(marked)).toBe(1);
  });

  it('fails on purpose: n = 1 overhead past its threshold', () => {
    const regressed = {
      ...healthy,
      n1MsPerEnvelope: healthy.verifyMsPerEnvelope * CPU_THRESHOLDS.n1Overhead * 1.2,
      n4MsPerEnvelope: healthy.verifyMsPerEnvelope * CPU_THRESHOLDS.n1Overhead * 1.2,
    };
    const gs = cpuGuards(regressed);
    expect(gs.map((g) => g.pass)).toEqual([true, false]);
    expect(blockingFailures(markAdvisory(gs))).toBe(1);
  });

  it('the boundary passes, just over fails', () => {
    const at = cpuRatios(healthy);
    expect(cpuGuards(healthy, at).every((g) => g.pass)).toBe(true);
    const under = { n4CpuRatio: at.n4CpuRatio - 0.01, n1Overhead: at.n1Overhead - 0.01 };
    expect(cpuGuards(healthy, under).map((g) => g.pass)).toEqual([false, false]);
  });

  it('a run that committed nothing cannot pass', () => {
    const none = { ...healthy, n4MsPerEnvelope: Number.NaN };
    expect(cpuGuards(none)[0]!.pass).toBe(false);
  });

  it('the thresholds are at or above the goals (goals not yet met are not guarded as met)', () => {
    expect(CPU_THRESHOLDS.n4CpuRatio).toBeGreaterThanOrEqual(CPU_GOALS.n4CpuRatio);
    expect(CPU_THRESHOLDS.n1Overhead).toBeGreaterThanOrEqual(CPU_GOALS.n1Overhead);
  });
});
