// stateSync.maxBehind on real node processes (docs/storage.md, "A far-behind node that holds
// blocks"; docs/operations.md, "Joining by state sync"). Four validators snapshot every 5 blocks
// and keep only the last 5 bodies (tiny block-log segments, so old segments really go). Validator
// 3 is stopped while the others go far ahead, until every body it would need is pruned on all of
// them. Restarted as it was, it cannot catch up by block sync: every peer answers its state
// request with a pruned answer, and it logs `state.transfer.pruned`. Restarted with maxBehind it
// refuses to start (FAR_BEHIND, the documented steps in the message) and leaves its store as it
// was; after `mv data data.old` and a start with --state-sync it joins from a snapshot and reaches
// the others' tip with the same header.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { type NodeProcess, startNodeProcess } from '../../devnet/processes.js';
import { readStoreMeta } from '../../node/store/index.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

const SNAPSHOT_INTERVAL = 5;
const RETAIN = 5;
const MAX_BEHIND = 8;
const SEGMENT = { BKDMS_TESTKIT_SEGMENT_BYTES: '4096' };

let c: TestCluster;
let node3: NodeProcess | undefined;
let client: BkdmsClient | undefined;

/** Re-checks `check` every 200 ms until it holds; fails after `ms`. */
async function eventually(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  c = await startTestCluster(4, 1, {
    params: { snapshotInterval: SNAPSHOT_INTERVAL },
    extra: { retain: { blocks: RETAIN, intervalMs: 1000 } },
    perNode: () => ({ env: SEGMENT, args: ['--testkit'] }),
  });
}, 180_000);

afterAll(async () => {
  client?.close();
  if (node3 !== undefined && node3.child.exitCode === null) {
    node3.child.kill('SIGTERM');
    await node3.exited;
  }
  await c?.dispose();
});

async function stop(p: NodeProcess): Promise<void> {
  if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await p.exited;
  await p.logged;
}

describe('a validator far behind a pruned chain', () => {
  it('cannot block-sync, refuses to start with maxBehind, then joins afresh by state sync', async () => {
    let seq = 1;
    const upload = async (): Promise<number> => {
      const env = syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, seq++, Date.now());
      await c.client(0).upload(env);
      let height = 0;
      await eventually('the envelope commits', async () => {
        height = (await c.client(0).getReceipt(tracingCode(env))).height;
        return height > 0;
      });
      return height;
    };
    const committed = await upload();
    await eventually(
      'node 3 holds the block',
      async () => (await c.client(3).getStatus()).height >= committed,
    );

    // Node 3 stops; the others go on until every body it needs next is pruned on all of them.
    const node = c.layout.nodes[3]!;
    const data = join(dirname(node.configPath), 'data');
    await stop(c.procs[3]!);
    const tip = (await readStoreMeta(data)).tip;
    expect(tip).toBeGreaterThanOrEqual(committed);
    await eventually(
      'the others far ahead, bodies above node 3 pruned',
      async () => {
        await upload();
        const st = await Promise.all([0, 1, 2].map((i) => c.client(i).getStatus()));
        return st.every(
          (s) => s.height > tip + MAX_BEHIND + 2 * SNAPSHOT_INTERVAL && s.earliestHeight > tip + 1,
        );
      },
      300_000,
    );

    // As it was (state sync on, no maxBehind): it starts, but every peer answers its state request
    // with its earliest height, so it logs that block sync cannot bring it up.
    const config = JSON.parse(readFileSync(node.configPath, 'utf8')) as Record<string, unknown>;
    const withSync = (extra: object) =>
      writeFileSync(
        node.configPath,
        JSON.stringify({ ...config, stateSync: { enabled: true, timeoutMs: 60_000, ...extra } }, null, 2),
      );
    withSync({});
    const logged = () => readFileSync(node.logPath, 'utf8');
    const before = logged().length;
    node3 = startNodeProcess(3, node.configPath, node.logPath, [], SEGMENT, ['--testkit']);
    await node3.ready;
    await eventually('node 3 logs that every peer pruned its next block', async () =>
      logged().slice(before).includes('"event":"state.transfer.pruned"'),
    );
    const pruned = logged()
      .slice(before)
      .split('\n')
      .find((l) => l.includes('"event":"state.transfer.pruned"'));
    expect(JSON.parse(pruned!)).toMatchObject({ fromHeight: tip + 1 });
    await stop(node3);
    expect((await readStoreMeta(data)).tip).toBe(tip);

    // With maxBehind it refuses to start, names the way out, and leaves the store as it was.
    withSync({ maxBehind: MAX_BEHIND });
    const mark = logged().length;
    node3 = startNodeProcess(3, node.configPath, node.logPath, [], SEGMENT, ['--testkit']);
    await expect(node3.ready).rejects.toThrow(/before it was ready/);
    expect(await node3.exited).not.toBe(0);
    await node3.logged;
    const refusal = logged().slice(mark);
    expect(refusal).toContain('FAR_BEHIND');
    expect(refusal).toContain(`this node's chain ends at ${tip}`);
    expect(refusal).toMatch(/mv \S*data \S*data\.old/);
    expect(refusal).toContain('remove stateSync.maxBehind');
    expect((await readStoreMeta(data)).tip).toBe(tip);

    // The documented way out: move the data folder aside, start with --state-sync.
    renameSync(data, `${data}.old`);
    node3 = startNodeProcess(3, node.configPath, node.logPath, [], SEGMENT, ['--testkit', '--state-sync']);
    await node3.ready;
    expect(existsSync(`${data}.old`)).toBe(true);
    client = new BkdmsClient({
      address: `127.0.0.1:${node.ports.rpc}`,
      tls: { insecure: true },
      deadlineMs: 30_000,
    });
    const joined = await client.getStatus();
    const base = joined.earliestHeight - 1;
    expect(base).toBeGreaterThan(tip + MAX_BEHIND);
    expect(base % SNAPSHOT_INTERVAL).toBe(0);
    expect(joined.selfIndex).toBe(3);

    await upload();
    const target = (await c.client(0).getStatus()).height;
    const joinedClient = client;
    await eventually('node 3 reaches the tip', async () => (await joinedClient.getStatus()).height >= target);
    const [ours, theirs] = await Promise.all([
      client.getHeaders({ fromHeight: target, toHeight: target }),
      c.client(0).getHeaders({ fromHeight: target, toHeight: target }),
    ]);
    expect(toHex(ours.headers[0]!.header)).toBe(toHex(theirs.headers[0]!.header));
  }, 600_000);
});
