// A divergent node in a real 4-node cluster (f = 1): validator 3 runs the test kit's divergent tip
// (testkit/divergent-tip.ts): from height DIVERGE on it announces other block hashes in its signed
// CHECKPOINTs and serves headers with another state root, as a node whose store was corrupted
// would. The honest nodes compare its announcements with their own blocks continuously and raise
// block-hash-divergence naming it; `bkdms cluster check` over the four RPC ports finds DIVERGE as
// the first divergent height and names node 3.
// A second cluster has a node whose applied state really is corrupted (testkit/corrupt-state.ts):
// after block CORRUPT it holds one more state entry than the others, so the root it computes is
// not the one the next certified headers carry; it raises state-root-divergence on itself (read
// with `bkdms alarms --rpc`), the honest nodes raise nothing, and the chain keeps committing.
// Every wait is bounded and polls a node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../cli/consistency.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import type { Alarm } from '../../node/mgmt/alarms/types.js';
import { CORRUPT_STATE_ENV } from '../../testkit/corrupt-state.js';
import { DIVERGE_ENV } from '../../testkit/divergent-tip.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';

const DIVERGENT = 3;
const DIVERGE = 3;
const HONEST = [0, 1, 2];
/** One CLI run's bound: the compiled CLI alone takes seconds to start on a loaded machine. */
const CLI_MS = 120_000;
const CORRUPT = 3;
let c: TestCluster;
/** The last sequence number site 0 of the current cluster used. */
let seq = 0;

/** A 4-node cluster whose node DIVERGENT runs with the test-kit variable `env` set to `height`. */
async function clusterWith(env: string, height: number): Promise<TestCluster> {
  return startTestCluster(4, 1, {
    alarms: { evaluateMs: 200 },
    perNode: (i) => (i === DIVERGENT ? { env: { [env]: String(height) }, args: ['--testkit'] } : {}),
  });
}

async function alarms(i: number): Promise<Alarm[]> {
  const res = await fetch(`http://${c.mgmt[i]}/alarms`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { alarms: Alarm[] }).alarms;
}

/** Polls node i's alarms until `ok` holds; fails with the last list after `timeoutMs`. */
async function until(i: number, ok: (a: Alarm[]) => boolean, what: string, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  let last: Alarm[] = [];
  while (Date.now() < end) {
    last = await alarms(i);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node ${i}: ${what} not seen within ${timeoutMs} ms; alarms: ${JSON.stringify(last)}`);
}

/** Commits envelopes one block at a time through node 0 until every node holds `height`. */
async function commitTo(height: number): Promise<void> {
  while ((await c.client(0).getStatus()).height < height) {
    const h = (await c.client(0).getStatus()).height;
    await c.client(0).upload(syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, ++seq, Date.now()));
    await waitForHeight(c, 0, h + 1, 60_000);
  }
  for (const i of [1, 2, 3]) await waitForHeight(c, i, height, 60_000);
}

describe('divergence on a real cluster', () => {
  beforeAll(async () => {
    c = await clusterWith(DIVERGE_ENV, DIVERGE);
    seq = 0;
    await commitTo(DIVERGE + 2);
  }, 240_000);

  afterAll(async () => {
    await c?.dispose();
  });

  it('the honest nodes raise block-hash-divergence naming the divergent node', async () => {
    for (const i of HONEST) {
      const list = await until(
        i,
        (l) => l.some((a) => a.id === `block-hash-divergence:peer-${DIVERGENT}`),
        'divergence',
      );
      const a = list.find((x) => x.id === `block-hash-divergence:peer-${DIVERGENT}`)!;
      expect(a).toMatchObject({
        severity: 'critical',
        state: 'raised',
        location: { node: i, peer: DIVERGENT, component: 'ledger' },
        runbook: 'docs/operations.md#alarm-block-hash-divergence',
      });
      expect(a.cause).toMatch(
        new RegExp(`^validator ${DIVERGENT} announced block [0-9a-f]{16}… at height \\d+`),
      );
      const announced = Number(/at height (\d+)/.exec(a.cause)![1]);
      expect(announced).toBeGreaterThanOrEqual(DIVERGE);
      // No honest node is named: they agree with each other.
      expect(list.filter((x) => x.rule === 'block-hash-divergence').map((x) => x.id)).toEqual([
        `block-hash-divergence:peer-${DIVERGENT}`,
      ]);
    }
    const metrics = await (await fetch(`http://${c.mgmt[0]}/metrics`)).text();
    expect(metrics).toMatch(
      /bkdms_alarms_active\{severity="critical",rule="block-hash-divergence",node="0"\} 1/,
    );
    // The divergent node's own core is honest: the others' announcements match its real blocks.
    expect((await alarms(DIVERGENT)).filter((a) => a.rule === 'block-hash-divergence')).toEqual([]);
    // It only says it holds other blocks: every node's computed state matches the certified roots.
    for (const i of [...HONEST, DIVERGENT])
      expect((await alarms(i)).filter((a) => a.rule === 'state-root-divergence')).toEqual([]);
  }, 240_000);

  it('bkdms cluster check reports the first divergent height and the node that diverges', async () => {
    const run = await bkdms(['cluster', 'check', '--rpc', c.rpc.join(','), '--json'], {}, CLI_MS);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report.commonHeight).toBeGreaterThanOrEqual(DIVERGE + 2);
    expect(report.divergence?.height).toBe(DIVERGE);
    expect(report.divergence?.nodes.map((n) => n.name)).toEqual([c.rpc[DIVERGENT]]);
    const theirs = report.divergence!.nodes[0]!.answer!;
    expect(theirs.stateRoot).not.toBe(report.divergence!.majority!.stateRoot);
    expect(theirs.hash).not.toBe(report.divergence!.majority!.hash);
    // The honest three agree among themselves.
    const honest = await bkdms(
      ['cluster', 'check', '--rpc', HONEST.map((i) => c.rpc[i]).join(','), '--json'],
      {},
      CLI_MS,
    );
    expect(honest.code, honest.stderr).toBe(0);
    expect((JSON.parse(honest.stdout) as CheckReport).divergence).toBeNull();
  }, 300_000);
});

describe('a node with a corrupted state on a real cluster', () => {
  beforeAll(async () => {
    c = await clusterWith(CORRUPT_STATE_ENV, CORRUPT);
    seq = 0;
    // The corrupted node refuses every proposal from CORRUPT + 1 on and commits by state transfer.
    await commitTo(CORRUPT + 3);
  }, 240_000);

  afterAll(async () => {
    await c?.dispose();
  });

  it('raises state-root-divergence on itself, and only there', async () => {
    const id = 'state-root-divergence:self';
    await until(DIVERGENT, (l) => l.some((a) => a.id === id), 'state-root-divergence');
    // Through the CLI over the RPC port (ListAlarms), as an operator would read it.
    const run = await bkdms(['alarms', '--rpc', c.rpc[DIVERGENT]!, '--json'], {}, CLI_MS);
    expect(run.code, run.stderr).toBe(0);
    const a = (JSON.parse(run.stdout) as { alarms: Alarm[] }).alarms.find((x) => x.id === id)!;
    expect(a).toMatchObject({
      rule: 'state-root-divergence',
      severity: 'critical',
      state: 'raised',
      location: { node: DIVERGENT, component: 'ledger' },
      runbook: 'docs/operations.md#alarm-state-root-divergence',
    });
    const m =
      /through height (\d+) has root ([0-9a-f]{16})…; block (\d+), certified by the validators, says ([0-9a-f]{16})…/.exec(
        a.cause,
      );
    expect(m, a.cause).not.toBeNull();
    const [through, ours, block, chain] = [Number(m![1]), m![2], Number(m![3]), m![4]];
    expect(block).toBe(through + 1);
    expect(through).toBeGreaterThanOrEqual(CORRUPT);
    expect(ours).not.toBe(chain);
    // The certified header's root is the honest nodes' own: node 0 serves it for that block.
    const header = decodeCertifiedBlock(await c.client(0).getBlock(block)).block.header;
    expect(Buffer.from(header.stateRoot).toString('hex').slice(0, 16)).toBe(chain);
    const metrics = await (await fetch(`http://${c.mgmt[DIVERGENT]}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `bkdms_alarms_active\\{severity="critical",rule="state-root-divergence",node="${DIVERGENT}"\\} 1`,
      ),
    );
    // The honest nodes' states agree with the certified roots; the blocks are the same everywhere.
    for (const i of HONEST) {
      const list = await alarms(i);
      expect(list.filter((x) => x.rule === 'state-root-divergence')).toEqual([]);
      expect(list.filter((x) => x.rule === 'block-hash-divergence')).toEqual([]);
    }
    // One corrupted node of four: the chain keeps committing.
    const h = (await c.client(0).getStatus()).height;
    await c.client(0).upload(syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, ++seq, Date.now()));
    await waitForHeight(c, 0, h + 1, 60_000);
  }, 240_000);
});
