// A pruned peer answers a state request below its earliest height with that height (a pruned
// STATE-RESPONSE) instead of staying silent, and the requester skips it: its next request goes to
// a peer that holds the blocks without waiting out the state timeout. With every peer pruned, the
// requester records the height it cannot get and retries at the timeout's pace, not in a loop.
import { describe, expect, it } from 'vitest';
import { MessageDropReason } from '../../../consensus/index.js';
import { Cluster } from '../../../testkit/sim/cluster.js';

const STATE_TIMEOUT = 40;

/** Node 3 is down while the others commit 24 blocks; `pruned` of them then hold no body below 13. */
function behind(pruned: number[]) {
  const cluster = new Cluster({
    n: 4,
    seed: 7,
    params: { checkpointInterval: 4, windowSize: 8, stateBatchBlocks: 4, stateTimeoutTicks: STATE_TIMEOUT },
  });
  cluster.crash(3);
  for (let i = 0; i < 24; i++) {
    const before = cluster.nodes[0]!.height;
    cluster.request(1);
    if (cluster.runUntil(() => cluster.nodes[0]!.height > before, 400) < 0) throw new Error('no commit');
  }
  cluster.run(20);
  for (const i of pruned) cluster.nodes[i]!.prunedBelow = 13;
  const lagging = cluster.nodes[3]!;
  cluster.restart(3);
  return { cluster, lagging };
}

const below = (requests: number[], h: number) => requests.filter((f) => f < h).length;

describe('state transfer from pruned peers', () => {
  it('a pruned peer is asked once below its earliest height, then skipped; the requester catches up', () => {
    const { cluster, lagging } = behind([0, 1]);
    const ticks = cluster.runUntil(() => lagging.height >= 24, 2_000);
    expect(ticks).toBeGreaterThanOrEqual(0);
    expect(lagging.tipHash).toEqual(cluster.nodes[0]!.tipHash);
    // Each pruned peer answered at most one request below 13; node 2 served blocks 1..12.
    expect(below(cluster.nodes[0]!.stateRequests, 13)).toBeLessThanOrEqual(1);
    expect(below(cluster.nodes[1]!.stateRequests, 13)).toBeLessThanOrEqual(1);
    expect(below(cluster.nodes[2]!.stateRequests, 13)).toBeGreaterThanOrEqual(3);
    const answers = lagging.replica!.pruned.answers;
    expect(answers).toBe(
      below(cluster.nodes[0]!.stateRequests, 13) + below(cluster.nodes[1]!.stateRequests, 13),
    );
    expect(answers).toBeGreaterThan(0);
    expect(lagging.replica!.pruned.unavailableFrom).toBe(0);
  });

  it('no state timeout is waited out: caught up in fewer ticks than one timeout per pruned answer', () => {
    const { cluster, lagging } = behind([0, 1]);
    const ticks = cluster.runUntil(() => lagging.height >= 24, 2_000);
    // Logical ticks of the simulator, not wall time. A silent pruned peer would cost a whole
    // timeout each time it was asked; here every pruned answer is followed by a request at once.
    expect(ticks).toBeGreaterThanOrEqual(0);
    expect(ticks).toBeLessThan(STATE_TIMEOUT);
    expect(lagging.replica!.pruned.answers).toBeGreaterThan(0);
  });

  it('with every peer pruned it does not catch up, names the height, and retries at the timeout pace', () => {
    const { cluster, lagging } = behind([0, 1, 2]);
    const span = STATE_TIMEOUT * 10;
    cluster.run(span);
    expect(lagging.height).toBe(0);
    expect(lagging.replica!.pruned.unavailableFrom).toBe(1);
    const asked = [0, 1, 2].map((i) => below(cluster.nodes[i]!.stateRequests, 13)).reduce((a, b) => a + b, 0);
    // One round of three at once, then about one request per timeout (not one per answer).
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(asked).toBeLessThanOrEqual(3 + span / STATE_TIMEOUT + 1);
  });

  it('a pruned answer no one asked for is dropped and changes nothing', () => {
    const { cluster, lagging } = behind([]);
    cluster.runUntil(() => lagging.height >= 24, 2_000);
    const r = lagging.replica!;
    const before = r.stats.dropped[MessageDropReason.UnaskedStateResponse] ?? 0;
    // Node 0 answers a request node 3 never sent (node 3 is caught up: nothing outstanding).
    cluster.nodes[0]!.replica!.respondPruned(lagging.key, 30);
    cluster.nodes[0]!.drain();
    cluster.run(20);
    expect(r.stats.dropped[MessageDropReason.UnaskedStateResponse] ?? 0).toBe(before + 1);
    expect(r.pruned.answers).toBe(0);
  });
});
