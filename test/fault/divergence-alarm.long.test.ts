// A divergent node in a real 4-node cluster (f = 1): validator 3 runs the test kit's divergent tip
// (testkit/divergent-tip.ts): from height DIVERGE on it announces other block hashes in its signed
// CHECKPOINTs and serves headers with another state root, as a node whose store was corrupted
// would. The honest nodes compare its announcements with their own blocks continuously and raise
// block-hash-divergence naming it; `bkdms cluster check` over the four RPC ports finds DIVERGE as
// the first divergent height and names node 3. Every wait is bounded and polls a node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../cli/consistency.js';
import type { Alarm } from '../../node/mgmt/alarms/types.js';
import { DIVERGE_ENV } from '../../testkit/divergent-tip.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';

const DIVERGENT = 3;
const DIVERGE = 3;
const HONEST = [0, 1, 2];
/** One CLI run's bound: the compiled CLI alone takes seconds to start on a loaded machine. */
const CLI_MS = 120_000;
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 1, {
    alarms: { evaluateMs: 200 },
    perNode: (i) => (i === DIVERGENT ? { env: { [DIVERGE_ENV]: String(DIVERGE) }, args: ['--testkit'] } : {}),
  });
  await commitTo(DIVERGE + 2);
}, 240_000);

afterAll(async () => {
  await c?.dispose();
});

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
  for (let seq = 1; (await c.client(0).getStatus()).height < height; seq++) {
    const h = (await c.client(0).getStatus()).height;
    await c.client(0).upload(syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, seq, Date.now()));
    await waitForHeight(c, 0, h + 1, 60_000);
  }
  for (const i of [1, 2, 3]) await waitForHeight(c, i, height, 60_000);
}

describe('divergence on a real cluster', () => {
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
