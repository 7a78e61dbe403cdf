// A node that missed a view change adopts the view the others are in (docs/consensus.md §4,
// "Catching up with the view"), on real processes: the primary is killed and a backup killed and
// restarted while the others change view; on an idle chain, the three replicas in the new view
// are then restarted (none keeps its NEW-VIEW in memory) with the old primary, still in view 0.
// All four must report one view; then a further backup is killed under load and the three left
// (f = 1) must keep committing, all in one view. Before the fix the old primary stayed in view 0
// on the idle chain (this test failed there); scenario 20 of the simulator shows the stall after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 2);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

/** Uploads batches from each site to the live targets, paced; can be paused (the chain idles). */
class Load {
  private running = true;
  private gate: { wait: Promise<void>; open: () => void } | null = null;
  private readonly ac = new AbortController();
  /** Each loop's call in flight. */
  private readonly calls: Promise<unknown>[] = [];
  private readonly loops: Promise<void>[];

  constructor(
    private readonly cluster: TestCluster,
    public targets: number[],
  ) {
    this.loops = cluster.sites.map((_, s) => this.loop(s));
  }

  private async loop(s: number): Promise<void> {
    const site = this.cluster.sites[s]!;
    let seq = 1;
    while (this.running) {
      if (this.gate !== null) {
        await this.gate.wait;
        continue;
      }
      const batch = Array.from({ length: 10 }, (_, k) =>
        syntheticEnvelope(site, this.cluster.chainId, this.cluster.scp.publicKey, seq + k, Date.now()),
      );
      const target = this.targets[s % this.targets.length]!;
      // A failed call (a node being killed) just moves on: this load only keeps work waiting.
      const call = this.cluster
        .client(target)
        .uploadBatch(batch, { signal: this.ac.signal, deadlineMs: 5_000 })
        .then(
          () => true,
          () => false,
        );
      this.calls[s] = call;
      if (await call) seq += batch.length;
      // Paced (a few blocks' worth a second): enough to keep work waiting on a shared machine.
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops sending; resolves once no call is in flight (each loop then waits at the gate). */
  async pause(): Promise<void> {
    let open = (): void => {};
    const wait = new Promise<void>((r) => {
      open = r;
    });
    this.gate = { wait, open };
    await Promise.all(this.calls);
  }

  unpause(): void {
    const g = this.gate;
    this.gate = null;
    g?.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.ac.abort();
    this.unpause();
    await Promise.all(this.loops);
  }
}

async function statusOf(
  i: number,
): Promise<{ view: number; height: number; primary: number; mempool: number }> {
  const s = await c.client(i).getStatus({ deadlineMs: 5_000 });
  return { view: s.view, height: s.height, primary: s.primary, mempool: s.mempoolEnvelopes };
}

/** Re-checks `cond` on the nodes' status, 250 ms apart, at most `checks` times. */
async function until(
  nodes: number[],
  cond: (st: Awaited<ReturnType<typeof statusOf>>[]) => boolean,
  checks: number,
  what: string,
): Promise<Awaited<ReturnType<typeof statusOf>>[]> {
  let st = await Promise.all(nodes.map(statusOf));
  for (let k = 0; k < checks && !cond(st); k++) {
    await new Promise((r) => setTimeout(r, 250));
    st = await Promise.all(nodes.map(statusOf));
  }
  if (!cond(st)) throw new Error(`${what}: ${JSON.stringify(st)}`);
  return st;
}

async function kill(i: number): Promise<void> {
  c.procs[i]!.child.kill('SIGKILL');
  await c.procs[i]!.exited;
}

describe('a node that missed a view change', () => {
  it('adopts the quorum view after a restart; a further backup kill does not stall the chain', async () => {
    const load = new Load(c, [1, 2]);
    try {
      await waitForHeight(c, 1, 3);

      // The primary dies; a backup is killed and restarted while the others change view (the
      // view change needs it: with the primary dead, the other two are no quorum).
      const old = (await statusOf(1)).primary;
      const restarted = [1, 2, 3].find((i) => i !== old && i !== (old + 1) % 4)!;
      const others = [0, 1, 2, 3].filter((i) => i !== old && i !== restarted);
      load.targets = others;
      await kill(old);
      await kill(restarted);
      await c.restart(restarted);
      const survivor = others[0]!;
      const settled = (await statusOf(survivor)).height;
      await waitForHeight(c, survivor, settled + 3, 60_000);

      // Idle: nothing waits, so no timer runs. The replicas of the new view are killed; they
      // come back with the old primary (in view 0, having signed no VIEW-CHANGE), their NEW-VIEW
      // only on disk. All four must report the same view, on a chain with nothing to do.
      await load.pause();
      const live = [...others, restarted];
      await until(live, (st) => st.every((s) => s.mempool === 0), 80, 'mempools drained');
      const before = await until(live, (st) => new Set(st.map((s) => s.view)).size === 1, 40, 'one view');
      const view = before[0]!.view;
      expect(view).toBeGreaterThan(0);
      await Promise.all(live.map(kill));
      const all = [0, 1, 2, 3];
      await Promise.all(all.map((i) => c.restart(i)));
      await until(all, (st) => st.every((s) => s.view === view), 80, `all four in view ${view}`);

      // Then one more backup dies under load: the three left commit in the view they are in.
      const primary = (await statusOf(survivor)).primary;
      const victim = others.find((i) => i !== primary) ?? restarted;
      const left = all.filter((i) => i !== victim);
      load.targets = left.filter((i) => i !== old);
      load.unpause();
      await kill(victim);
      const from = Math.max(...(await Promise.all(left.map(statusOf))).map((s) => s.height));
      await Promise.all(left.map((i) => waitForHeight(c, i, from + 3, 20_000)));
      const st = await Promise.all(left.map(statusOf));
      expect(st.map((s) => s.view)).toEqual(left.map(() => st[0]!.view));
    } finally {
      await load.stop();
    }
  }, 240_000);
});
