// PRE-PREPAREs by reference in the simulator (testkit/sim/bodies.ts, docs/consensus.md §2.1):
// with every body held nothing is fetched; bodies a replica was never admitted are fetched from
// the primary; bodies that arrive after the proposal (while the fetch is lost) are taken from the
// pool; a primary that answers with forged bodies is replaced by a view change and the block
// commits under the next primary. Every invariant (agreement, certificates, no envelope twice,
// memory bounds) is checked after every event, and randomized runs keep their liveness.
import { describe, expect, test } from 'vitest';
import { Cluster } from '../../testkit/sim/cluster.js';
import { randomRun } from '../../testkit/sim/random-run.js';

const cluster = () => new Cluster({ n: 4, seed: 3, byReference: true });
const committed = (c: Cluster, count: number) => () =>
  c.honest().every((x) => x.height >= 1) && total(c) >= count;
const total = (c: Cluster) =>
  Math.min(...c.honest().map((x) => x.log.reduce((n, b) => n + b.block.envelopes.length, 0)));

describe('simulator: proposals by reference', () => {
  test('every body held: the block commits everywhere and nothing is fetched', () => {
    const c = cluster();
    c.request(5);
    expect(c.runUntil(committed(c, 5), 200)).toBeGreaterThanOrEqual(0);
    expect(c.bodies!.stats).toMatchObject({ requests: 0, dropped: 0 });
    expect(c.bodies!.stats.whole).toBeGreaterThanOrEqual(3);
  });

  test('bodies only the primary holds: fetched by each backup, then committed', () => {
    const c = cluster();
    c.request(5, [0]);
    expect(c.runUntil(committed(c, 5), 200)).toBeGreaterThanOrEqual(0);
    expect(c.bodies!.stats).toMatchObject({ forged: 0, dropped: 0 });
    expect(c.bodies!.stats.requests).toBeGreaterThanOrEqual(3);
    expect(c.bodies!.stats.envelopesFetched).toBe(15);
    expect(c.nodes.every((x) => x.replica!.state.view === 0)).toBe(true);
  });

  test('late bodies: the fetch is cut off, the envelopes arrive after the proposal and are taken from the pool', () => {
    const c = cluster();
    const envs = c.request(5, [0]);
    // The backups' BODIES-REQUESTs to the primary are lost; its PRE-PREPARE reaches them.
    const pending = () => c.bodies!.stats.requests >= 3;
    c.filters.push({ from: 1, to: 0 }, { from: 2, to: 0 }, { from: 3, to: 0 });
    expect(c.runUntil(pending, 100)).toBeGreaterThanOrEqual(0);
    c.admit(envs, [1, 2, 3]);
    c.filters.length = 0;
    expect(c.runUntil(committed(c, 5), 300)).toBeGreaterThanOrEqual(0);
    expect(c.bodies!.stats.late).toBeGreaterThanOrEqual(3);
    expect(c.bodies!.stats.dropped).toBe(0);
  });

  test('forged bodies: refused, no block in that view; the next primary commits it', () => {
    const c = cluster();
    c.nodes[0]!.forgeBodies = true;
    c.request(5, [0, 1]);
    expect(c.runUntil(committed(c, 5), 1000)).toBeGreaterThanOrEqual(0);
    expect(c.bodies!.stats.forged).toBeGreaterThanOrEqual(2);
    const block = c.nodes[2]!.log[0]!.block;
    expect(block.header.view).toBeGreaterThanOrEqual(1);
    expect(block.envelopes).toHaveLength(5);
  });

  test('randomized runs (faults, crashes, Byzantine replicas) keep safety and liveness', {
    timeout: 120_000,
  }, () => {
    const failures = [];
    for (let seed = 1; seed <= 120; seed++) {
      const r = randomRun(seed, { byReference: true });
      if (!r.ok)
        failures.push(
          `seed ${seed} (${r.fault}): ${r.error}; reproduce: randomRun(${seed}, { byReference: true })`,
        );
    }
    expect(failures).toEqual([]);
  });
});
