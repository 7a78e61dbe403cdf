// Joining by state sync on real node processes (docs/storage.md, "Joining by state sync"): a
// 4-node cluster snapshots every 10 blocks and keeps only the last 5 bodies (tiny block-log
// segments, so early segments really are deleted); a fifth node, not a validator (an observer the
// four accept), starts with an empty folder and stateSync on. Before the snapshot it takes,
// governance changes the validator set (two validators swap places): the joiner's light client
// follows the change from the proof the others kept of it, installs that proof with its base, and
// serves it (GetState `activation`) though it never held the header it is proven against. It
// block-syncs the rest and ends on the same tip and state root as the others; a trace of an
// envelope above its base works on it, one below answers PRUNED. The join is interrupted twice by
// SIGKILL (test-kit failpoints): after 20 chunks are saved (the restart resumes from them) and right
// after the install batch (the next start goes on from the base and deletes the leftover chunks).
// verify-chain walks the joined node from its base; a subscription from block 1 is refused naming
// its earliest height.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { LightClient } from '../../api/light-client.js';
import { verifyChain } from '../../cli/verify-chain.js';
import { decodeBlockHeader } from '../../codec/block.js';
import { SNAPSHOT_CHUNKS } from '../../codec/snapshot.js';
import { defaultConsensusParams } from '../../consensus/params.js';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { clusterAdminKey, peerAddress } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { type NodeProcess, startNodeProcess } from '../../devnet/processes.js';
import { loadGenesis } from '../../node/genesis.js';
import { readStoreMeta } from '../../node/store/index.js';
import { Admin } from '../../platform/admin.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

const SNAPSHOT_INTERVAL = 10;
const RETAIN = 5;
const PASS = 'state-sync-joiner-passphrase';

let c: TestCluster;
let dir: string;
let joinerKey: Uint8Array;
let joiner: NodeProcess | undefined;
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
  dir = mkdtempSync(join(tmpdir(), 'bkdms-joiner-'));
  const key = await generateKeystore(join(dir, 'node.key'), 'ed25519', PASS);
  joinerKey = key.publicKey;
  c = await startTestCluster(4, 1, {
    params: { snapshotInterval: SNAPSHOT_INTERVAL },
    extra: { retain: { blocks: RETAIN, intervalMs: 1000 }, observers: [toHex(joinerKey)] },
    // Segments of 4 KiB hold a few blocks each, so pruning deletes whole segments early on.
    perNode: () => ({ env: { BKDMS_TESTKIT_SEGMENT_BYTES: '4096' }, args: ['--testkit'] }),
  });
}, 180_000);

afterAll(async () => {
  client?.close();
  if (joiner !== undefined && joiner.child.exitCode === null) {
    joiner.child.kill('SIGTERM');
    await joiner.exited;
  }
  await c?.dispose();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a node joining by state sync', () => {
  it('installs a snapshot with the change proofs below it, catches up to the same tip and root, and answers PRUNED below its base', async () => {
    // Envelopes one by one: each makes a block (empty periods make none).
    const codes: { code: Uint8Array; height: number }[] = [];
    let seq = 1;
    const upload = async (): Promise<void> => {
      const env = syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, seq++, Date.now());
      await c.client(0).upload(env);
      const code = tracingCode(env);
      await eventually('the envelope commits', async () => {
        const r = await c.client(0).getReceipt(code);
        if (r.height === 0) return false;
        codes.push({ code, height: r.height });
        return true;
      });
    };
    for (let i = 0; i < 3; i++) await upload();
    // Validators 2 and 3 swap places, at least one PBFT window above the governance block
    // (docs/consensus.md §7): headers from there on are certified under the new order.
    const admin = new Admin(c.client(0), {
      chainId: c.chainId,
      key: await clusterAdminKey(c.layout),
      receiptPollMs: 100,
    });
    const activateAt = (await c.client(0).getStatus()).height + defaultConsensusParams().windowSize + 8;
    const swapped = [c.validators[0]!, c.validators[1]!, c.validators[3]!, c.validators[2]!];
    await admin.propose({
      type: 'setValidators',
      validators: swapped.map((publicKey) => ({ publicKey })),
      activateAt,
    });
    // Past two snapshot heights and a snapshot above the change, early bodies pruned everywhere.
    await eventually(
      'snapshots above the change taken and early bodies pruned',
      async () => {
        await upload();
        const st = await Promise.all([0, 1, 2, 3].map((i) => c.client(i).getStatus()));
        return st.every(
          (s) =>
            s.height > Math.max(2 * SNAPSHOT_INTERVAL, activateAt + SNAPSHOT_INTERVAL) + 1 &&
            s.earliestHeight > 1,
        );
      },
      300_000,
    );

    const [ports] = await freeNodePorts(1);
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'passphrase'), PASS, { mode: 0o600 });
    const config = {
      dataDir: 'data',
      genesis: join(c.dir, 'genesis.json'),
      keystore: 'node.key',
      passphraseFile: 'passphrase',
      p2p: {
        listen: [`/ip4/127.0.0.1/tcp/${ports!.p2p}`],
        peers: c.layout.nodes.map((n) => peerAddress(n.publicKey, n.ports)),
      },
      rpc: { listen: `127.0.0.1:${ports!.rpc}`, insecure: true },
      mgmt: { listen: `127.0.0.1:${ports!.mgmt}` },
      log: { spec: 'info' },
      consensus: { tickMs: 20 },
      stateSync: { enabled: true, timeoutMs: 60_000 },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
    const data = join(dir, 'data');
    const saved = join(data, 'statesync');
    const start = (failpoint?: string): NodeProcess =>
      startNodeProcess(
        4,
        join(dir, 'config.json'),
        join(dir, 'node.log'),
        [],
        failpoint === undefined ? {} : { BKDMS_TESTKIT_FAILPOINT: failpoint },
        failpoint === undefined ? [] : ['--testkit'],
      );

    // SIGKILL after the 20th verified chunk is saved: nothing installed, the chunks kept.
    joiner = start('statesync-after-chunk:20');
    expect(await joiner.exited).toBe('SIGKILL');
    expect((await readStoreMeta(data)).tip).toBe(0);
    expect(readdirSync(saved).length).toBeGreaterThan(0);

    // Restarted, it resumes from the saved chunks (fetching only the rest), installs, and is
    // killed right after the install batch, before the saved chunks are deleted.
    joiner = start('statesync-after-install');
    expect(await joiner.exited).toBe('SIGKILL');
    const rebuilt = readFileSync(join(dir, 'node.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('state rebuilt'))
      .map((l) => JSON.parse(l) as { fetched: number; resumed: number });
    expect(rebuilt).toHaveLength(1);
    // At least the 20 saved before the kill; up to the 8 in flight may have been saved as well.
    expect(rebuilt[0]!.resumed).toBeGreaterThanOrEqual(20);
    expect(rebuilt[0]!.fetched).toBeGreaterThan(0);
    expect(rebuilt[0]!.fetched + rebuilt[0]!.resumed).toBe(SNAPSHOT_CHUNKS);
    const installed = await readStoreMeta(data);
    expect(installed.tip).toBeGreaterThan(SNAPSHOT_INTERVAL);
    expect(installed.earliestHeight).toBe(installed.tip + 1);
    expect(existsSync(saved)).toBe(true);

    // Started again: the store holds the base, so no sync is pending: the leftover chunks go and
    // the node starts at the base (no "restore in progress", no second install).
    joiner = start();
    await joiner.ready;
    expect(existsSync(saved)).toBe(false);
    client = new BkdmsClient({
      address: `127.0.0.1:${ports!.rpc}`,
      tls: { insecure: true },
      deadlineMs: 30_000,
    });
    const joined = await client.getStatus();
    expect(joined.selfIndex).toBe(-1);
    // Started at a snapshot: no body at or below its base, and the base is a snapshot height.
    expect(joined.earliestHeight).toBeGreaterThan(SNAPSHOT_INTERVAL);
    expect((joined.earliestHeight - 1) % SNAPSHOT_INTERVAL).toBe(0);
    const base = joined.earliestHeight - 1;
    expect(base).toBe(installed.tip);
    expect(base).toBeGreaterThanOrEqual(activateAt);

    // The change's proof, against header activateAt - 1 (below the base: never held here as a
    // header), came with the install; a light client from genesis learns the new order from it.
    await expect(
      client.getHeaders({ fromHeight: activateAt - 1, toHeight: activateAt - 1 }),
    ).rejects.toMatchObject({ code: 'PRUNED' });
    const change = await client.getValidatorChange(activateAt);
    const lc = new LightClient({ chainId: c.chainId, validators: c.validators });
    expect(lc.accept(change.proof, activateAt - 1)).toBe(activateAt - 1);
    expect(lc.candidateAt(activateAt).map(toHex)).toEqual(swapped.map(toHex));

    // Block sync carries it to the cluster's tip; one more block must reach it as well.
    await upload();
    const target = (await c.client(0).getStatus()).height;
    // Its block stream starts at its base (SubscribeBlocks from 1 is PRUNED there): poll its status.
    const joinedClient = client;
    await eventually(
      'the joined node reaches the tip',
      async () => (await joinedClient.getStatus()).height >= target,
    );
    const [ours, theirs] = await Promise.all([
      client.getHeaders({ fromHeight: target, toHeight: target }),
      c.client(1).getHeaders({ fromHeight: target, toHeight: target }),
    ]);
    expect(toHex(ours.headers[0]!.header)).toBe(toHex(theirs.headers[0]!.header));
    const root = (h: Uint8Array) => toHex(decodeBlockHeader(h).stateRoot);
    expect(root(ours.headers[0]!.header)).toBe(root(theirs.headers[0]!.header));

    // A trace above the base is served; one below is PRUNED.
    const above = codes.find((x) => x.height > base + 1);
    const below = codes.find((x) => x.height <= base);
    expect(above).toBeDefined();
    expect(below).toBeDefined();
    const bundle = await client.trace(above!.code);
    expect(toHex(tracingCode(bundle.envelope))).toBe(toHex(above!.code));
    await expect(client.trace(below!.code)).rejects.toMatchObject({ code: 'PRUNED' });

    // verify-chain walks it from its base, checked from the genesis validators, and says so.
    const g = loadGenesis(join(c.dir, 'genesis.json'));
    const walked = await verifyChain(client, {
      chain: { chainId: g.chainId, validatorKeys: g.validators, genesisTime: g.genesisTime },
    });
    expect(walked).toMatchObject({ ok: true, base, from: base, firstBad: null });
    expect(walked.to).toBeGreaterThanOrEqual(target);
    // A subscription from below the base is refused at once, naming where its blocks start.
    const stream = client.subscribeBlocks(1)[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toMatchObject({
      code: 'PRUNED',
      meta: { earliestHeight: base + 1, baseHeight: base },
    });
  }, 600_000);
});
