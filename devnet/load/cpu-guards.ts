// The cluster benchmark's guards on CPU per envelope: figures that divide CPU time by CPU time in
// the same run, so they hold however much of a shared machine the run got, and therefore fail the
// run (unlike the throughput guards, which divide a rate by a rate measured minutes apart).
import { ceilingGuard, type Guard } from '../../testkit/bench-report.js';
import type { ScenarioResult } from './cluster-scenario.js';
import { runCpuMsPerEnvelope } from './cluster-table.js';
import type { VerifyBound } from './verify-bound.js';

/** The three per-envelope costs of one run (ms of one node's CPU, all threads). */
export interface CpuFigures {
  /** n = 1 open loop, whole run (window and drain) over every envelope committed by its end. */
  n1MsPerEnvelope: number;
  /** n = 4 open loop, the same, averaged over the four nodes. */
  n4MsPerEnvelope: number;
  /** One signature verification, from the verify loop's rate per CPU-second. */
  verifyMsPerEnvelope: number;
}

export interface CpuRatios {
  /** What one node of four spends per committed envelope against one node alone. */
  n4CpuRatio: number;
  /** What one node alone spends per envelope against verifying its signature. */
  n1Overhead: number;
}

export interface CpuLimits {
  n4CpuRatio: number;
  n1Overhead: number;
}

/** The goals: a node of four costs little more than one alone, and one alone about two verifications. */
export const CPU_GOALS: CpuLimits = { n4CpuRatio: 1.3, n1Overhead: 2.0 };

/**
 * The guards' thresholds: the largest value measured in CI-mode runs of the current code on a quiet
 * machine, plus 15%, rounded up (docs/performance.md "CPU-per-envelope guards"). Seven runs on
 * 2026-12-07/08 (three fresh-clone CIs, four back-to-back `run.js --ci --only cluster`) measured
 * n4_cpu_ratio 1.45-2.19 and n1_overhead 2.61-3.30. On a machine shared with other jobs the ratios
 * swing far wider (1.9-8.5 at load 18-35), so CI must not share its machine.
 */
export const CPU_THRESHOLDS: CpuLimits = { n4CpuRatio: 2.6, n1Overhead: 3.8 };

export function cpuRatios(f: CpuFigures): CpuRatios {
  return {
    n4CpuRatio: f.n4MsPerEnvelope / f.n1MsPerEnvelope,
    n1Overhead: f.n1MsPerEnvelope / f.verifyMsPerEnvelope,
  };
}

/**
 * The two guards, blocking: a ratio over its threshold, or one that could not be measured (no
 * commits, so NaN), fails the run even where the benchmark's throughput guards are advisory.
 */
export function cpuGuards(f: CpuFigures, limits: CpuLimits = CPU_THRESHOLDS): Guard[] {
  const r = cpuRatios(f);
  return [
    {
      ...ceilingGuard('cluster: n4_cpu_ratio (n=4 / n=1 CPU per envelope)', r.n4CpuRatio, limits.n4CpuRatio),
      blocking: true,
    },
    {
      ...ceilingGuard(
        'cluster: n1_overhead (n=1 / verify CPU per envelope)',
        r.n1Overhead,
        limits.n1Overhead,
      ),
      blocking: true,
    },
  ];
}

/** The figures of a run with both open-loop scenarios; undefined when it lacks one (--rate, -n 4). */
export function cpuFiguresOf(runs: readonly ScenarioResult[], bound: VerifyBound): CpuFigures | undefined {
  const one = runs.find((r) => r.n === 1 && r.mode.kind === 'open');
  const four = runs.find((r) => r.n === 4 && r.mode.kind === 'open');
  if (one === undefined || four === undefined) return undefined;
  return {
    n1MsPerEnvelope: runCpuMsPerEnvelope(one),
    n4MsPerEnvelope: runCpuMsPerEnvelope(four),
    verifyMsPerEnvelope: 1000 / bound.perCpuSecond,
  };
}
