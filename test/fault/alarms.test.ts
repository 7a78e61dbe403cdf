// Fault management on a real 4-node cluster (f = 1), read over the management port as an operator
// would: a validator killed with SIGKILL raises peer-unreachable and quorum-at-risk on the
// survivors once their (shortened) hold time has passed, both clear after it is restarted; two
// killed raise quorum-lost. Everything is polled through GET /alarms with bounded timeouts.
import { credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsService } from '../../api/alarms.js';
import type { Alarm } from '../../node/mgmt/alarms/types.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

const HOLD = 1500;
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 1, {
    p2p: { dialTimeoutMs: 1000, pingIntervalMs: 1000 },
    alarms: {
      evaluateMs: 200,
      clearMs: 1000,
      holdMs: { 'peer-unreachable': HOLD, 'quorum-at-risk': HOLD, 'quorum-lost': HOLD },
    },
  });
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

async function alarms(i: number, path = '/alarms'): Promise<Alarm[]> {
  const res = await fetch(`http://${c.mgmt[i]}${path}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { alarms: Alarm[] }).alarms;
}

/** Polls node i's alarms until `ok` holds; fails with the last list after `timeoutMs`. */
async function until(
  i: number,
  ok: (a: Alarm[]) => boolean,
  what: string,
  path = '/alarms',
  timeoutMs = 60_000,
) {
  const end = Date.now() + timeoutMs;
  let last: Alarm[] = [];
  while (Date.now() < end) {
    last = await alarms(i, path);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `node ${i}: ${what} not seen within ${timeoutMs} ms; alarms: ${JSON.stringify(last.map((a) => a.id))}`,
  );
}

const has = (id: string) => (list: Alarm[]) => list.some((a) => a.id === id);
const hasNot = (id: string) => (list: Alarm[]) => !list.some((a) => a.id === id);

async function kill(i: number): Promise<number> {
  const at = Date.now();
  c.procs[i]!.child.kill('SIGKILL');
  await c.procs[i]!.exited;
  return at;
}

describe('alarms on a real cluster', () => {
  it('raises peer-unreachable and quorum-at-risk when one validator is killed, clears them after its restart', async () => {
    for (const i of [0, 1, 2]) await until(i, hasNot('quorum-at-risk:chain'), 'a connected cluster');
    const killedAt = await kill(3);
    for (const i of [0, 1, 2]) {
      const list = await until(
        i,
        (l) => has('peer-unreachable:peer-3')(l) && has('quorum-at-risk:chain')(l),
        'alarms',
      );
      const risk = list.find((a) => a.id === 'quorum-at-risk:chain')!;
      expect(risk).toMatchObject({ severity: 'major', state: 'raised', location: { node: i } });
      expect(risk.analysis).toBe(
        '1 of 4 validators unreachable: the chain tolerates 1 (f=1); commits stop at 2',
      );
      // Raised after the kill. Not "a hold time after it": a link that flapped just before the kill
      // starts the hold earlier, and the hold itself is asserted by the engine's unit tests.
      expect(risk.raisedAt).toBeGreaterThan(killedAt);
      const peer = list.find((a) => a.id === 'peer-unreachable:peer-3')!;
      expect(peer.location).toMatchObject({ peer: 3, component: 'p2p' });
      expect(peer.recovery).toMatch(/re-dialing validator 3/);
    }
    const metrics = await (await fetch(`http://${c.mgmt[0]}/metrics`)).text();
    expect(metrics).toMatch(/bkdms_alarms_active\{severity="major",rule="quorum-at-risk",node="0"\} 1/);

    await c.restart(3);
    for (const i of [0, 1, 2]) {
      await until(
        i,
        (l) => hasNot('peer-unreachable:peer-3')(l) && hasNot('quorum-at-risk:chain')(l),
        'clear',
      );
      const history = await alarms(i, '/alarms/history');
      expect(history.find((a) => a.id === 'quorum-at-risk:chain')).toMatchObject({ state: 'cleared' });
    }
  }, 180_000);

  it('raises quorum-lost when two validators are killed', async () => {
    await kill(2);
    await kill(3);
    for (const i of [0, 1]) {
      const list = await until(i, has('quorum-lost:chain'), 'quorum-lost');
      const lost = list.find((a) => a.id === 'quorum-lost:chain')!;
      expect(lost).toMatchObject({ severity: 'critical', runbook: 'docs/operations.md#alarm-quorum-lost' });
      expect(lost.analysis).toBe(
        '2 of 4 validators unreachable: the chain tolerates 1 (f=1); commits stop at 2',
      );
    }
    // What an operator runs: `bkdms alarms`, as JSON and as the table.
    const json = await bkdms(['alarms', '--mgmt', c.mgmt[0]!, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const ids = (JSON.parse(json.stdout) as { alarms: Alarm[] }).alarms.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining(['quorum-lost:chain', 'peer-unreachable:peer-2']));
    const table = await bkdms(['alarms', '--mgmt', c.mgmt[0]!]);
    expect(table.stdout).toMatch(/^CRITICAL +quorum-lost:chain/m);
    const history = await bkdms(['alarms', '--history', '--json', '--mgmt', c.mgmt[0]!]);
    const cleared = (JSON.parse(history.stdout) as { alarms: Alarm[] }).alarms.map((a) => a.id);
    expect(cleared).toContain('quorum-at-risk:chain');
    // The same alarms over gRPC on the RPC port; acknowledging without an admin credential is refused.
    const rpc = new (alarmsService())(c.rpc[0]!, credentials.createInsecure());
    try {
      const listed = await new Promise<{ alarms: { id: string }[] }>((res, rej) =>
        rpc.ListAlarms!({}, (e: Error | null, v: { alarms: { id: string }[] }) => (e ? rej(e) : res(v))),
      );
      expect(listed.alarms.map((a) => a.id)).toContain('quorum-lost:chain');
      const ack = new Promise((res, rej) =>
        rpc.AckAlarm!({ id: 'quorum-lost:chain' }, (e: Error | null, v: unknown) => (e ? rej(e) : res(v))),
      );
      await expect(ack).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    } finally {
      rpc.close();
    }
  }, 180_000);
});
