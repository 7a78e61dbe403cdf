import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../../devnet/load/cluster-scenario.js';
import {
  clusterTable,
  cpuMsPerEnvelope,
  progressLine,
  runCpuMsPerEnvelope,
  verifyEfficiency,
} from '../../../devnet/load/cluster-table.js';

const run = {
  name: 'n=4 open',
  n: 4,
  mode: { kind: 'open', maxPending: 10 },
  driver: {
    committedPerSecond: 1000,
    offeredPerSecond: 1100,
    latencyMs: { p50: 300, p95: 500, p99: 700, max: 800, samples: 10 },
    rejected: { MEMPOOL_FULL: 3 },
    blocks: 12,
    committed: 20_000,
    uncommitted: 500,
  },
  // 3 CPU-seconds per node over the whole run.
  runCpuSeconds: [2, 3, 4, 3],
  nodes: [0, 1, 2, 3].map((node) => ({
    node,
    cpuCores: 0.5,
    cpuWait: 0.25,
    peakRssMb: 200,
    rssStartMb: 150,
    rssEndMb: 180,
    blocks: 12,
    viewChanges: 0,
    bodies: { fetched: 4000, backlog: 250, exchanges: 2, timeouts: 1, waitSeconds: 2.5, dropped: 0 },
  })),
} as unknown as ScenarioResult;
const bound = { cores: 2, oneCore: 9000, nominal: 18_000, allCores: 16_000, perCpuSecond: 10_000 };

describe('cluster table', () => {
  it('relates committed envelopes to the verifications the nodes CPU time could do', () => {
    // 1000/s x 4 nodes = 4000 verifies/s needed; 2 cores busy could do 20,000/s.
    expect(verifyEfficiency(run, bound.perCpuSecond)).toBeCloseTo(0.2);
  });

  it('divides the nodes CPU by the envelopes each of them committed', () => {
    // 4 nodes x 0.5 cores = 2 CPU-seconds per second for 1000 envelopes/s on each of 4 nodes.
    expect(cpuMsPerEnvelope(run)).toBeCloseTo(0.5);
  });

  it('divides the whole run CPU of a mean node by every envelope committed by the end', () => {
    // 3 CPU-seconds / 20,000 envelopes = 0.15 ms.
    expect(runCpuMsPerEnvelope(run)).toBeCloseTo(0.15);
    expect(clusterTable(bound, [run])).toMatch(/n=4 open\s+20000\s+500\s+0\.150/);
    expect(runCpuMsPerEnvelope({ ...run, driver: { ...run.driver, committed: 0 } })).toBeNaN();
  });

  it('prints one row per scenario with the ratio to the bound, and one per node', () => {
    const t = clusterTable(bound, [run]);
    // 1000 / (16,000 / 4) = 0.25.
    expect(t).toMatch(
      /n=4 open\s+1100\s+1000\s+0\.25\s+0\.20\s+0\.500\s+300\s+500\s+700\s+12\s+MEMPOOL_FULL:3/,
    );
    expect(
      t.match(
        / {4}node \d: cpu 0\.50 cores \(main thread waiting for a CPU 25% of the time\), rss 150 -> 180 MB \(peak 200\)/g,
      ),
    ).toHaveLength(4);
    expect(
      t.match(
        / {6}bodies: 4000 envelopes fetched in 2 exchanges \(1 timed out\), 250 from the admission backlog, 2\.5 s waited, 0 proposals dropped/g,
      ),
    ).toHaveLength(4);
  });

  it('draws the progress bar in proportion to the elapsed time', () => {
    const line = progressLine(
      'x',
      { type: 'progress', elapsedMs: 5000, sent: 1, accepted: 1, committed: 0, rejected: 0 },
      10_000,
    );
    expect(line.startsWith('\r')).toBe(true);
    expect(line).toContain(`[${'#'.repeat(10)}${'.'.repeat(10)}]`);
  });
});
