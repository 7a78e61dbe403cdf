// The webhook (Alertmanager format, bounded queue, retries with backoff, never blocking) against a
// real HTTP receiver on loopback, and the persisted alarm state (atomic file, damaged file set aside).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAlarmState, saveAlarmState } from '../../../../node/mgmt/alarms/store.js';
import type { Alarm } from '../../../../node/mgmt/alarms/types.js';
import { AlarmWebhook, alertmanagerMessage } from '../../../../node/mgmt/alarms/webhook.js';

const alarm: Alarm = {
  id: 'peer-unreachable:peer-2',
  rule: 'peer-unreachable',
  severity: 'major',
  location: { node: 0, peer: 2, component: 'p2p', height: 7 },
  cause: 'validator 2 is not connected',
  analysis: 'no libp2p connection',
  recovery: 're-dialing validator 2',
  runbook: 'docs/operations.md#alarm-peer-unreachable',
  state: 'raised',
  raisedAt: Date.UTC(2026, 0, 1),
  updatedAt: Date.UTC(2026, 0, 1),
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A receiver that answers each POST with the next status of `statuses` (then 200). */
async function receiver(statuses: number[]) {
  const bodies: Record<string, unknown>[] = [];
  let waiters: { n: number; res: () => void }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const code = statuses.shift() ?? 200;
      if (code === 200) bodies.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(code).end();
      for (const w of waiters.filter((x) => bodies.length >= x.n)) w.res();
      waiters = waiters.filter((x) => bodies.length < x.n);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    received: (n: number) =>
      new Promise<void>((res) => (bodies.length >= n ? res() : waiters.push({ n, res }))),
  };
}

describe('alarm webhook', () => {
  it('sends raise and clear in the Alertmanager webhook format, retrying a refusal', async () => {
    const r = await receiver([503]);
    const hook = new AlarmWebhook({ url: r.url, timeoutMs: 2000, maxQueue: 8, maxAttempts: 3, backoffMs: 1 });
    cleanups.push(() => hook.close());
    hook.notify(alarm);
    hook.notify({ ...alarm, state: 'cleared', clearedAt: alarm.raisedAt + 60_000 });
    await r.received(2);
    expect(r.bodies[0]).toMatchObject({
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'peer-unreachable', severity: 'major', node: '0', peer: '2' },
          annotations: { summary: alarm.cause, runbook_url: alarm.runbook, recovery: alarm.recovery },
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
        },
      ],
    });
    expect(r.bodies[1]).toMatchObject({
      status: 'resolved',
      alerts: [{ endsAt: '2026-01-01T00:01:00.000Z' }],
    });
    expect(hook.dropped).toBe(0);
  });

  it('never blocks and bounds its queue: the oldest notifications are dropped', () => {
    // A receiver that never answers: the first POST hangs until its timeout.
    const hook = new AlarmWebhook({
      url: 'http://127.0.0.1:9/never',
      timeoutMs: 60_000,
      maxQueue: 3,
      maxAttempts: 1,
      fetch: () => new Promise<Response>(() => undefined),
    });
    cleanups.push(() => hook.close());
    for (let k = 0; k < 10; k++) hook.notify({ ...alarm, id: `a${k}` });
    // notify returned at once each time; 1 in flight + 3 queued, the rest dropped.
    expect(hook.dropped).toBe(6);
  });

  it('labels an alarm with no peer without a peer label', () => {
    const m = alertmanagerMessage({ ...alarm, location: { node: 1, component: 'host', height: 1 } });
    expect((m.alerts as { labels: Record<string, string> }[])[0]!.labels).not.toHaveProperty('peer');
  });
});

describe('persisted alarm state', () => {
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'bkdms-alarms-'));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  it('round-trips active alarms and history through an atomically written file', async () => {
    const path = join(dir(), 'alarms.json');
    expect(await loadAlarmState(path)).toEqual({ active: [], history: [] });
    const cleared = { ...alarm, state: 'cleared' as const, clearedAt: alarm.raisedAt + 1 };
    await saveAlarmState(path, { active: [alarm], history: [cleared] });
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(await loadAlarmState(path)).toEqual({ active: [alarm], history: [cleared] });
  });

  it('sets a damaged file aside and starts with no alarms; drops entries that are not alarms', async () => {
    const path = join(dir(), 'alarms.json');
    writeFileSync(path, '{"active": [');
    expect(await loadAlarmState(path)).toEqual({ active: [], history: [] });
    expect(readFileSync(`${path}.bad`, 'utf8')).toBe('{"active": [');
    writeFileSync(
      path,
      JSON.stringify({ active: [alarm, { id: 'x', rule: 'nope', raisedAt: 1 }], history: 3 }),
    );
    expect(await loadAlarmState(path)).toEqual({ active: [alarm], history: [] });
  });
});
