// Blocks received by state transfer go through the driver's check (ConsensusDeps.checkTransferred)
// before they are applied, as proposals go through validateBlock: a certified block the driver
// refuses (in a node: a forged block-hash log root) is dropped, never applied, and the replica asks
// another peer; with the check passing, the same transfer completes.
import { describe, expect, it } from 'vitest';
import { MessageDropReason } from '../../../consensus/index.js';
import { Cluster } from '../../../testkit/sim/cluster.js';

function behind(refuseAt: number | undefined) {
  const cluster = new Cluster({
    n: 4,
    seed: 41,
    params: { checkpointInterval: 4, windowSize: 8, stateBatchBlocks: 4 },
  });
  cluster.crash(3);
  // One envelope per block, each committed before the next (as the transcripts' `load`).
  for (let i = 0; i < 20; i++) {
    const before = cluster.nodes[0]!.height;
    cluster.request(1);
    if (cluster.runUntil(() => cluster.nodes[0]!.height > before, 400) < 0) throw new Error('no commit');
  }
  cluster.run(20);
  const lagging = cluster.nodes[3]!;
  const seen: number[] = [];
  lagging.deps.checkTransferred = (b) => {
    seen.push(b.header.height);
    return b.header.height === refuseAt ? 'hash-log-root' : null;
  };
  cluster.restart(3);
  cluster.runUntil(() => lagging.height >= 20, 400);
  return { cluster, lagging, seen };
}

describe('state transfer: the driver checks each certified block before it is applied', () => {
  it('a block the check refuses is dropped and nothing from it on is applied', () => {
    const { lagging, seen } = behind(5);
    expect(seen).toContain(5);
    expect(lagging.height).toBe(4);
    expect(lagging.replica?.stats.dropped[MessageDropReason.BadTransferredBlock] ?? 0).toBeGreaterThan(0);
  });

  it('with every block passing, the replica catches up', () => {
    const { cluster, lagging, seen } = behind(undefined);
    expect(seen.length).toBeGreaterThan(0);
    expect(lagging.height).toBe(cluster.nodes[0]!.height);
    expect(seen).toContain(5);
  });
});
