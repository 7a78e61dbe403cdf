// The Alarms gRPC service (api/alarms.proto, api/alarms.ts) over a real grpc-js server on
// loopback, in front of a real alarm engine: list, watch (the active list, then changes), and
// acknowledgement only by an administrator (api/admin-auth.ts), signed over the request bytes.
import {
  type ClientReadableStream,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  status,
} from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { requestBytesFor } from '../../../api/admin-call.js';
import {
  ACK_ALARM_PATH,
  type AlarmSourceApi,
  type AlarmsServiceOptions,
  alarmsService,
  alarmsServiceHandlers,
} from '../../../api/alarms.js';
import { alarmsConfigSchema } from '../../../node/mgmt/alarms/config.js';
import { AlarmEngine } from '../../../node/mgmt/alarms/engine.js';
import type { Snapshot } from '../../../node/mgmt/alarms/signals.js';
import { loggerFrom } from '../../../runtime/log.js';
import { adminId, adminKey, signedFor, strangerKey, testAdminAuth } from './admin-fixture.js';

const cfg = alarmsConfigSchema.parse({ holdMs: { 'node-restarted': 0 }, clearMs: 0 });

function snap(now: number, restarted: boolean): Snapshot {
  return {
    now,
    self: 0,
    validators: [{ index: 0, connected: true, height: 1 }],
    height: 1,
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

type Client = InstanceType<ReturnType<typeof alarmsService>>;
type WatchEvent = { kind: string; alarm: { id: string } };

/** The stream's events in order: next() resolves with the next one, as soon as it arrives. */
function eventQueue(call: ClientReadableStream<WatchEvent>) {
  const got: WatchEvent[] = [];
  const waiting: ((e: WatchEvent) => void)[] = [];
  call.on('data', (e: WatchEvent) => {
    const w = waiting.shift();
    if (w) w(e);
    else got.push(e);
  });
  return {
    next: () =>
      new Promise<WatchEvent>((res) => {
        const e = got.shift();
        if (e) res(e);
        else waiting.push(res);
      }),
  };
}

async function rig(opts: AlarmsServiceOptions = {}): Promise<{ engine: AlarmEngine; client: Client }> {
  const engine = new AlarmEngine(cfg);
  const source: AlarmSourceApi = {
    list: () => engine.list(),
    history: () => engine.historyList(),
    ack: (id, by) => engine.ack(id, by, 5),
    watch: (l) => engine.watch(l),
  };
  const server = new Server();
  const { definition, impl } = alarmsServiceHandlers(source, opts);
  server.addService(definition, impl);
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const Ctor = alarmsService();
  const client = new Ctor(`127.0.0.1:${port}`, credentials.createInsecure()) as Client;
  cleanups.push(() => {
    client.close();
    server.forceShutdown();
  });
  engine.evaluate(snap(1, true));
  return { engine, client };
}

function unary<T>(client: Client, method: string, req: unknown, md = new Metadata()): Promise<T> {
  return new Promise((res, rej) => {
    (client[method] as (r: unknown, m: Metadata, cb: (e: Error | null, v: T) => void) => void)(
      req,
      md,
      (e, v) => (e ? rej(e) : res(v)),
    );
  });
}

describe('Alarms gRPC service', () => {
  it('lists the active alarms and, on request, the history', async () => {
    const { engine, client } = await rig();
    const r = await unary<{ alarms: Record<string, unknown>[] }>(client, 'ListAlarms', {});
    expect(r.alarms).toHaveLength(1);
    expect(r.alarms[0]).toMatchObject({
      id: 'node-restarted:process',
      severity: 'warning',
      state: 'raised',
      raisedAtMs: 1,
      clearedAtMs: 0,
      location: { node: 0, peer: -1, component: 'host', height: 1 },
    });
    engine.evaluate(snap(cfg.thresholds.restartNoticeMs + 10, false));
    const h = await unary<{ alarms: { id: string; state: string }[] }>(client, 'ListAlarms', {
      history: true,
    });
    expect(h.alarms.map((a) => [a.id, a.state])).toEqual([['node-restarted:process', 'cleared']]);
  });

  it('watches: the active alarms first, then each change', async () => {
    const { engine, client } = await rig();
    const call = (client.WatchAlarms as (r: unknown) => ClientReadableStream<WatchEvent>)({});
    cleanups.push(() => call.cancel());
    call.on('error', () => undefined);
    const events = eventQueue(call);
    expect(await events.next()).toMatchObject({ kind: 'active', alarm: { id: 'node-restarted:process' } });
    engine.evaluate(snap(cfg.thresholds.restartNoticeMs + 10, false));
    expect(await events.next()).toMatchObject({ kind: 'cleared', alarm: { id: 'node-restarted:process' } });
  });

  it('refuses AckAlarm without administrator authentication', async () => {
    const { client } = await rig();
    await expect(unary(client, 'AckAlarm', { id: 'node-restarted:process' })).rejects.toMatchObject({
      code: status.UNIMPLEMENTED,
    });
  });

  it('acknowledges for an administrator only, signed over the request as sent; acknowledgedBy names the admin key', async () => {
    const audit: { msg: string; meta?: Record<string, unknown> }[] = [];
    const { engine, client } = await rig({
      admin: testAdminAuth(),
      audit: loggerFrom((_l, msg, meta) => audit.push({ msg, meta })),
    });
    const id = 'node-restarted:process';
    const ack = (req: { id: string }, md?: Metadata) => unary<AckReply>(client, 'AckAlarm', req, md);
    const sign = (key: typeof adminKey, req: { id: string }) =>
      signedFor(key, ACK_ALARM_PATH, requestBytesFor(alarmsService(), 'AckAlarm', req));
    await expect(ack({ id })).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    await expect(ack({ id }, sign(strangerKey, { id }))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
    // A signature over other request bytes does not carry over to this request.
    await expect(ack({ id }, sign(adminKey, { id: 'lagging:self' }))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    expect(engine.list()[0]?.state).toBe('raised');
    const r = await ack({ id }, sign(adminKey, { id }));
    expect(r.alarm).toMatchObject({ state: 'acknowledged', acknowledgedBy: adminId });
    expect(engine.list()[0]?.acknowledgedBy).toBe(adminId);
    expect(audit.map((a) => [a.meta?.event, a.meta?.admin ?? a.meta?.reason !== undefined])).toEqual([
      ['alarm.ack.refused', true],
      ['alarm.ack.refused', true],
      ['alarm.ack.refused', true],
      ['alarm.ack', adminId],
    ]);
    await expect(ack({ id: 'lagging:self' }, sign(adminKey, { id: 'lagging:self' }))).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(ack({ id: '' }, sign(adminKey, { id: '' }))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});

type AckReply = { alarm: { state: string; acknowledgedBy: string } };
