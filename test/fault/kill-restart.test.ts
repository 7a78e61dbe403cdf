// Crash faults on a real 4-node cluster under load (PBFT tolerates f = 1): a replica killed with
// SIGKILL and restarted catches up through state transfer; the primary killed with SIGKILL is
// replaced by a view change and the chain goes on. Every envelope a surviving node acknowledged must
// end up committed without being sent again (gossip, then the node's relay, carry it to the
// primary). Envelopes only the killed primary acknowledged may die with its memory: like a site's
// outbox, the load sends those again to a survivor, and they must commit too, unless the site's
// later envelopes moved its sequence window past them (REPLAYED: a site makes such a record anew).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../api/errors.js';
import { pause } from '../../api/retry.js';
import { ReceiptState, UploadStatus } from '../../api/types.js';
import { envelopeSeq } from '../../codec/envelope-view.js';
import { tracingCode } from '../../crypto/hash.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';
import { followCommits } from '../support/follow-commits.js';

let c: TestCluster;
/** The load of the moment: stopped after the test even when the test failed or timed out. */
let running: Load | undefined;

beforeAll(async () => {
  c = await startTestCluster(4, 4);
}, 120_000);

afterAll(async () => {
  // Its failures were the test's to report.
  await running?.stop().catch(() => undefined);
  await c?.dispose();
});

/** Uploads each site's envelopes in order, in small batches, to the current target nodes. */
class Load {
  readonly acked: Uint8Array[] = [];
  /** Which node acknowledged each envelope of `acked`. */
  readonly ackedBy: number[] = [];
  readonly transportErrors: string[] = [];
  private readonly ac = new AbortController();
  private readonly loops: Promise<void>[];
  targets: number[] = [1, 2];

  constructor(private readonly cluster: TestCluster) {
    this.loops = cluster.sites.map((_, s) => this.loop(s));
    running = this;
  }

  private get running(): boolean {
    return !this.ac.signal.aborted;
  }

  private async loop(s: number): Promise<void> {
    const site = this.cluster.sites[s]!;
    let seq = 1;
    while (this.running) {
      const batch = Array.from({ length: 20 }, (_, k) =>
        syntheticEnvelope(site, this.cluster.chainId, this.cluster.scp.publicKey, seq + k, Date.now()),
      );
      let results: Awaited<ReturnType<ReturnType<TestCluster['client']>['uploadBatch']>> | undefined;
      let target = -1;
      while (results === undefined && this.running) {
        target = this.targets[s % this.targets.length]!;
        try {
          results = await this.cluster.client(target).uploadBatch(batch, { signal: this.ac.signal });
        } catch (err) {
          // A call can fail while the cluster changes view under load; like a site's outbox, send
          // the same envelopes again (re-sends are idempotent).
          this.transportErrors.push(String(err));
          await pause(100, this.ac.signal);
        }
      }
      if (results === undefined) break;
      results.forEach((r, k) => {
        expect(r.status, r.message).not.toBe(UploadStatus.Rejected);
        this.acked.push(batch[k]!);
        this.ackedBy.push(target);
      });
      seq += batch.length;
      // Paced (many blocks' worth a second): load, not a flood that starves a shared machine.
      await pause(50, this.ac.signal);
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    // Every loop ends before the first failure among them is thrown.
    await Promise.allSettled(this.loops);
    await Promise.all(this.loops);
  }
}

/** Why an acknowledged envelope is missing: who acknowledged it, and what every live node says of it. */
async function lostReport(env: Uint8Array, load: Load, alive: number[], h: number): Promise<string> {
  const tc = tracingCode(env);
  const k = load.acked.findIndex((e) => Buffer.from(e).equals(Buffer.from(env)));
  const seen = await Promise.all(
    alive.map(async (i) => {
      const r = await c
        .client(i)
        .getReceipt(tc)
        .then((x) => ReceiptState[x.state])
        .catch((err: unknown) => String(err).slice(0, 60));
      return `node ${i}: ${r}`;
    }),
  );
  return `chain idle at height ${h}; envelope seq ${envelopeSeq(env)} acknowledged by node ${load.ackedBy[k]} not committed (${seen.join('; ')})`;
}

/** Envelopes whose proof bundles are verified at the end (commits are checked for all). */
const TRACED = 50;

/**
 * Follows node i's blocks from height 1 until every envelope of `envs` has committed; returns
 * those still missing once the chain has gone 30 s without a new block.
 */
async function uncommitted(i: number, envs: Uint8Array[]): Promise<Uint8Array[]> {
  const need = new Map(envs.map((e) => [Buffer.from(tracingCode(e)).toString('hex'), e]));
  await followCommits(c.client(i), need, 30_000);
  return [...need.values()];
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
    const mustCommit = load.acked.filter((_, k) => load.ackedBy[k] !== primary);
    const fromPrimary = load.acked.filter((_, k) => load.ackedBy[k] === primary);
    for (let k = 0; k < fromPrimary.length; k += 100) {
      const batch = fromPrimary.slice(k, k + 100);
      const again = await c.client(survivor).uploadBatch(batch);
      again.forEach((r, j) => {
        if (r.status !== UploadStatus.Rejected) mustCommit.push(batch[j]!);
        else expect(r.reason, r.message).toBe(ApiErrorCode.Replayed);
      });
    }
    expect(mustCommit.length).toBeGreaterThan(0);
    // Every acknowledged envelope commits: the survivor's blocks are followed from height 1 until
    // each one's tracing code has appeared (a call that failed after admission may have added
    // envelopes nobody acknowledged, so a count of committed envelopes alone would not prove it).
    const alive = [0, 1, 2, 3].filter((i) => i !== primary);
    const missing = await uncommitted(survivor, mustCommit);
    if (missing.length > 0) {
      const why = await lostReport(missing[0]!, load, alive, await height(survivor));
      throw new Error(`${missing.length} acknowledged envelopes not committed; the first: ${why}`);
    }
    // Proof bundles of a spread of them verify offline; the last one is the last sent again, if any.
    const step = Math.max(1, Math.floor(mustCommit.length / TRACED));
    const sample = new Set(
      [...mustCommit.keys()].filter((k) => k % step === 0).concat(mustCommit.length - 1),
    );
    for (const k of sample) {
      const env = mustCommit[k]!;
      const t = await c
        .client(survivor)
        .traceVerified(tracingCode(env), { chainId: c.chainId, validators: c.validators });
      expect(Buffer.from(t.envelope).equals(Buffer.from(env))).toBe(true);
    }
    const tops = await Promise.all(alive.map(height));
    const top = Math.min(...tops);
    await Promise.all(alive.map((i) => waitForHeight(c, i, top)));
    const hashes = await Promise.all(alive.map(async (i) => (await c.client(i).getBlock(top)).join(',')));
    expect(new Set(hashes).size).toBe(1);
  }, 480_000);
});
