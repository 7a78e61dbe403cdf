// The Alarms service's client (api/alarms-client.ts), what `bkdms alarms --rpc` uses: against a
// real grpc-js server on loopback in front of a real alarm engine, the list and the history come
// back in the node's shape (the proto's zero values absent again), and a watch yields the active
// list, then each change, and ends quietly when its signal aborts.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlarmSourceApi, alarmsServiceHandlers } from '../../../api/alarms.js';
import {
  type AlarmMessage,
  fromAlarmMessage,
  listAlarmsRemote,
  watchAlarmsRemote,
} from '../../../api/alarms-client.js';
import { ApiError } from '../../../api/errors.js';
import { formatAlarmEvent } from '../../../cli/alarms-cmd.js';
import { alarmsConfigSchema } from '../../../node/mgmt/alarms/config.js';
import { AlarmEngine } from '../../../node/mgmt/alarms/engine.js';
import type { Snapshot } from '../../../node/mgmt/alarms/signals.js';

const cfg = alarmsConfigSchema.parse({ holdMs: { 'node-restarted': 0 }, clearMs: 0 });

function snap(now: number, restarted: boolean): Snapshot {
  return {
    now,
    self: 2,
    validators: [{ index: 2, connected: true, height: 7 }],
    height: 7,
    hashes: {},
    pending: 0,
    catchingUp: false,
    inViewChange: false,
    viewChanges: 0,
    votesSent: 0,
    evidence: [],
    rssBytes: 1,
    restarts: restarted ? { count: 1, at: now, reason: 'was killed by SIGKILL' } : undefined,
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function rig(): Promise<{ engine: AlarmEngine; address: string }> {
  const engine = new AlarmEngine(cfg);
  const source: AlarmSourceApi = {
    list: () => engine.list(),
    history: () => engine.historyList(),
    ack: (id, by) => engine.ack(id, by, 5),
    watch: (l) => engine.watch(l),
  };
  const server = new Server();
  const { definition, impl } = alarmsServiceHandlers(source);
  server.addService(definition, impl);
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  cleanups.push(() => server.forceShutdown());
  engine.evaluate(snap(1000, true));
  return { engine, address: `127.0.0.1:${port}` };
}

const message: AlarmMessage = {
  id: 'peer-unreachable:peer-1',
  rule: 'peer-unreachable',
  severity: 'major',
  location: { node: 0, peer: 1, component: 'p2p', height: 12 },
  cause: 'no link',
  analysis: 'one of four',
  recovery: '',
  runbook: 'docs/operations.md#alarm-peer-unreachable',
  state: 'raised',
  raisedAtMs: 5,
  acknowledgedAtMs: 0,
  acknowledgedBy: '',
  clearedAtMs: 0,
  updatedAtMs: 6,
};

describe('alarms over the RPC port', () => {
  it('turns the proto zero values back into absent fields', () => {
    const a = fromAlarmMessage(message);
    expect(a).toEqual({
      id: 'peer-unreachable:peer-1',
      rule: 'peer-unreachable',
      severity: 'major',
      location: { node: 0, peer: 1, component: 'p2p', height: 12 },
      cause: 'no link',
      analysis: 'one of four',
      runbook: 'docs/operations.md#alarm-peer-unreachable',
      state: 'raised',
      raisedAt: 5,
      updatedAt: 6,
    });
    const cleared = fromAlarmMessage({
      ...message,
      location: { node: 0, peer: -1, component: 'host', height: 3 },
      recovery: 're-dialing',
      state: 'cleared',
      acknowledgedAtMs: 7,
      acknowledgedBy: 'key:ab',
      clearedAtMs: 9,
    });
    expect(cleared.location).toEqual({ node: 0, component: 'host', height: 3 });
    expect(cleared).toMatchObject({
      recovery: 're-dialing',
      acknowledgedAt: 7,
      acknowledgedBy: 'key:ab',
      clearedAt: 9,
    });
  });

  it('lists the active alarms and the history as the node keeps them', async () => {
    const { engine, address } = await rig();
    const opts = { address, tls: { insecure: true as const } };
    const active = await listAlarmsRemote(opts, false);
    expect(active).toEqual([
      expect.objectContaining({
        id: 'node-restarted:process',
        state: 'raised',
        raisedAt: 1000,
        location: { node: 2, component: 'host', height: 7 },
      }),
    ]);
    expect(active[0]).not.toHaveProperty('clearedAt');
    expect(await listAlarmsRemote(opts, true)).toEqual([]);
    engine.evaluate(snap(1000 + cfg.thresholds.restartNoticeMs + 10, false));
    expect(await listAlarmsRemote(opts, false)).toEqual([]);
    const history = await listAlarmsRemote(opts, true);
    expect(history.map((a) => [a.id, a.state])).toEqual([['node-restarted:process', 'cleared']]);
    expect(history[0]!.clearedAt).toBe(1000 + cfg.thresholds.restartNoticeMs + 10);
  });

  it('watches: the active list, then each change, until aborted', async () => {
    const { engine, address } = await rig();
    const ac = new AbortController();
    const it = watchAlarmsRemote({ address, tls: { insecure: true } }, ac.signal);
    const first = await it.next();
    expect(first.value).toMatchObject({ kind: 'active', alarm: { id: 'node-restarted:process' } });
    engine.evaluate(snap(1000 + cfg.thresholds.restartNoticeMs + 10, false));
    const second = await it.next();
    expect(second.value).toMatchObject({ kind: 'cleared', alarm: { state: 'cleared' } });
    const pending = it.next();
    ac.abort();
    expect((await pending).done).toBe(true);
  });

  it('fails a watch of an address with no node as an ApiError', async () => {
    const { address } = await rig();
    cleanups.splice(0).forEach((c) => {
      c();
    });
    const it = watchAlarmsRemote({ address, tls: { insecure: true } });
    await expect(it.next()).rejects.toBeInstanceOf(ApiError);
  });

  it('prints each event as a JSON line, or as a stamped table entry', () => {
    const e = { kind: 'raised', alarm: fromAlarmMessage(message) };
    const line = formatAlarmEvent(e, true, 0);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual(e);
    const table = formatAlarmEvent(e, false, 11_000);
    expect(table.split('\n').slice(0, 2)).toEqual([
      '--- 1970-01-01T00:00:11.000Z raised',
      'MAJOR    peer-unreachable:peer-1  (raised 11 s ago)',
    ]);
  });
});
