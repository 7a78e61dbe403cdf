// What every crash-point run must show (the CI set and the full sweep): no failed check, the node
// killed at its point (logged, SIGKILL), no evidence of a double vote anywhere, and commits made.
// Returns the crash record for the caller's own checks.
import { expect } from 'vitest';
import type { RunReport } from '../../e2e/runner.js';

export function expectCrashSurvived(r: RunReport): RunReport['perturbations'][number] | undefined {
  expect(r.failures, `kept in ${r.dir}`).toEqual([]);
  const rec = r.perturbations.find((p) => p.kind === 'crash-point');
  expect(rec?.crash?.logged).toBe(true);
  expect(rec?.crash?.how).toBe('SIGKILL');
  expect(r.evidence.every((n) => n === 0)).toBe(true);
  expect(r.set?.counts.committed).toBeGreaterThan(0);
  return rec;
}
