// Crash faults on a real 4-node cluster under load (PBFT tolerates f = 1): a replica killed with
// SIGKILL and restarted catches up through state transfer; the primary killed with SIGKILL is
// replaced by a view change and the chain goes on. Clients upload only to nodes that stay up, so
// every envelope a node acknowledged must end up committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiptState, UploadStatus } from '../../api/types.js';
import { syntheticEnvelope } from '../../bench/load/envelopes.js';
import { tracingCode } from '../../crypto/hash.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 4);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

/** Uploads each site's envelopes in order, in small batches, to the current target nodes. */
class Load {
  readonly acked: Uint8Array[] = [];
  readonly transportErrors: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[];
  targets: number[] = [1, 2];

  constructor(private readonly cluster: TestCluster) {
    this.loops = cluster.sites.map((_, s) => this.loop(s));
  }

  private async loop(s: number): Promise<void> {
    const site = this.cluster.sites[s]!;
    let seq = 1;
    while (this.running) {
      const batch = Array.from({ length: 20 }, (_, k) =>
        syntheticEnvelope(site, this.cluster.chainId, this.cluster.scp.publicKey, seq + k, Date.now()),
      );
      let results: Awaited<ReturnType<ReturnType<TestCluster['client']>['uploadBatch']>> | undefined;
      while (results === undefined && this.running) {
        const target = this.targets[s % this.targets.length]!;
        try {
          results = await this.cluster.client(target).uploadBatch(batch);
        } catch (err) {
          // A call can fail while the cluster changes view under load; like a site's outbox, send
          // the same envelopes again (re-sends are idempotent).
          this.transportErrors.push(String(err));
        }
      }
      if (results === undefined) break;
      results.forEach((r, k) => {
        expect(r.status, r.message).not.toBe(UploadStatus.Rejected);
        this.acked.push(batch[k]!);
      });
      seq += batch.length;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

async function height(i: number): Promise<number> {
  return (await c.client(i).getStatus()).height;
}

describe('crash faults under load', () => {
  it('a killed replica catches up after restart; a killed primary is replaced; nothing acknowledged is lost', async () => {
    const load = new Load(c);
    await waitForHeight(c, 1, 3);

    c.procs[3]!.child.kill('SIGKILL');
    await c.procs[3]!.exited;
    await waitForHeight(c, 1, (await height(1)) + 5);
    await c.restart(3);
    await waitForHeight(c, 3, await height(1), 120_000);

    const primary = (await c.client(1).getStatus()).primary;
    load.targets = [1, 2, 3].filter((i) => i !== primary);
    c.procs[primary]!.child.kill('SIGKILL');
    await c.procs[primary]!.exited;
    const survivor = load.targets[0]!;
    await waitForHeight(c, survivor, (await height(survivor)) + 3, 120_000);
    const after = await c.client(survivor).getStatus();
    expect(after.view).toBeGreaterThan(0);
    expect(after.primary).not.toBe(primary);

    await load.stop();
    expect(load.acked.length).toBeGreaterThan(0);
    // Every acknowledged envelope commits: wait block by block until the last one is traceable
    // (a call that failed after admission may have added envelopes nobody acknowledged, so a count
    // of committed envelopes alone would not prove it).
    for (const env of load.acked) {
      const tc = tracingCode(env);
      let found = false;
      for (let blocks = 0; !found && blocks < 200; blocks++) {
        const r = await c
          .client(survivor)
          .getReceipt(tc)
          .catch(() => undefined);
        if (r?.state === ReceiptState.Committed) found = true;
        else await waitForHeight(c, survivor, (await height(survivor)) + 1, 30_000);
      }
      expect(found).toBe(true);
      const t = await c.client(survivor).traceVerified(tc, c.validators);
      expect(Buffer.from(t.envelope).equals(Buffer.from(env))).toBe(true);
    }
    const alive = [0, 1, 2, 3].filter((i) => i !== primary);
    const tops = await Promise.all(alive.map(height));
    const top = Math.min(...tops);
    await Promise.all(alive.map((i) => waitForHeight(c, i, top)));
    const hashes = await Promise.all(alive.map(async (i) => (await c.client(i).getBlock(top)).join(',')));
    expect(new Set(hashes).size).toBe(1);
  }, 480_000);
});
