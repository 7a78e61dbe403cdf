// The cluster benchmark's check that the chain took its load, and that such a check fails the run
// even where the benchmark's speed guards are advisory.
import { describe, expect, it } from 'vitest';
import { tookLoad } from '../../../devnet/load/cluster-bench.js';
import { blockingFailures, guard, markAdvisory } from '../../../testkit/bench-report.js';

describe('cluster benchmark: the chain took the load', () => {
  it('needs commits, and no refusal but the mempool back-pressure', () => {
    expect(tookLoad({ committed: 10, rejected: {} })).toBe(true);
    expect(tookLoad({ committed: 10, rejected: { MEMPOOL_FULL: 40 } })).toBe(true);
    expect(tookLoad({ committed: 0, rejected: {} })).toBe(false);
    expect(tookLoad({ committed: 10, rejected: { SEQ_TOO_FAR: 1 } })).toBe(false);
  });

  it('a failed blocking check fails the run inside an advisory benchmark; speed guards do not', () => {
    const speed = guard('cluster: n=4 / verify bound', 0.1, 0.5);
    const check = { ...guard('cluster: scenarios whose load the chain took', 0, 1), blocking: true as const };
    const marked = markAdvisory([speed, check]);
    expect(marked.map((g) => g.name)).toEqual([
      'cluster: n=4 / verify bound (advisory)',
      'cluster: scenarios whose load the chain took',
    ]);
    expect(blockingFailures(marked)).toBe(1);
    expect(blockingFailures(markAdvisory([speed]))).toBe(0);
  });
});
