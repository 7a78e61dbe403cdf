// The Logs service (api/logs-service.ts, api/logs-binding.ts) over real gRPC on 127.0.0.1 against
// real log files: a streamed, filtered query; refusals by the injected checks; deletion by an
// administrator, with every file deleted written to the audit stream.
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { logsService, logsServiceBinding } from '../../../api/logs-binding.js';
import { queryLogsRemote } from '../../../api/logs-client.js';
import { type LogsCaller, LogsHandlers, type LogsServiceDeps } from '../../../api/logs-service.js';
import { adminOnly, loopbackOnly, loopbackOrAdmin } from '../../../node/log-access.js';
import { loggerFrom } from '../../../runtime/log.js';
import { adminId, adminKey, signedFor, strangerKey, testAdminAuth } from './admin-fixture.js';

const DELETE_PATH = '/bkdms.v1.Logs/DeleteLogs';
const QUERY_PATH = '/bkdms.v1.Logs/QueryLogs';
const requestBytes = (method: 'QueryLogs' | 'DeleteLogs', req: object): Uint8Array =>
  new Uint8Array(logsService().service[method]!.requestSerialize(req));

/** A caller as the binding describes one, for driving the handlers and checks directly. */
const callerAt = (
  peer: string,
  metadata = new Metadata(),
  request: Uint8Array = new Uint8Array(0),
): LogsCaller => ({
  peer,
  metadata,
  getAuthContext: () => null,
  method: QUERY_PATH,
  requestBytes: request,
});

let dir: string;
let audit: { msg: string; meta?: Record<string, unknown> }[];
let server: Server | undefined;
/** Where `serve` listens. */
let address = '';
const T0 = Date.parse('2026-06-01T10:00:00.000Z');

function file(name: string, lines: object[], daysAgo = 0): void {
  const p = join(dir, name);
  writeFileSync(p, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const t = (Date.now() - daysAgo * 86_400_000) / 1000;
  utimesSync(p, t, t);
}
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-logsvc-'));
  audit = [];
  file('operation.2026-06-01.1.log', [{ level: 30, time: at(1), module: 'p2p', msg: 'one' }], 10);
  file('operation.2026-06-01.2.log', [{ level: 50, time: at(3), module: 'store', msg: 'three' }]);
  file('audit.2026-06-01.1.log', [{ level: 30, time: at(2), module: 'rpc', msg: 'two' }]);
});
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.tryShutdown(() => r()) : r()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function handlers(over: Partial<LogsServiceDeps> = {}): LogsHandlers {
  return new LogsHandlers({
    dir,
    authorizeQuery: loopbackOnly,
    audit: loggerFrom((_l, msg, meta) => audit.push({ msg, meta })),
    ...over,
  });
}

/** An administrator check of the test's own: a metadata token. */
const tokenAdmin = async (c: LogsCaller): Promise<string> => {
  if (c.metadata.get('x-admin')[0] !== 'let-me')
    throw new ApiError(ApiErrorCode.Unauthorized, 'not an administrator');
  return 'admin-1';
};

/** The dynamic grpc-js client, as this test uses it. */
interface LogsClient {
  QueryLogs(req: object): NodeJS.EventEmitter;
  DeleteLogs(req: object, md: Metadata, cb: (e: { code: number } | null, res?: Deleted) => void): void;
  close(): void;
}
type Line = { type: string; msg: string; file: string; json: string };
type Deleted = { files: { name: string; size: number }[] };

async function serve(h: LogsHandlers): Promise<LogsClient> {
  server = new Server();
  const { definition, implementation } = logsServiceBinding(h);
  server.addService(definition, implementation);
  const port = await new Promise<number>((res, rej) =>
    server!.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  address = `127.0.0.1:${port}`;
  const Client = logsService();
  return new Client(address, credentials.createInsecure()) as unknown as LogsClient;
}

function query(client: LogsClient, req: object): Promise<{ lines: Line[]; code?: number }> {
  return new Promise((resolve) => {
    const lines: Line[] = [];
    const s = client.QueryLogs(req);
    s.on('data', (l: Line) => lines.push(l));
    s.on('end', () => resolve({ lines }));
    s.on('error', (e: { code: number }) => resolve({ lines, code: e.code }));
  });
}

function del(
  client: LogsClient,
  req: object,
  md = new Metadata(),
): Promise<{ res?: Deleted; code?: number }> {
  return new Promise((resolve) =>
    client.DeleteLogs(req, md, (e, res) => resolve(e ? { code: e.code } : { res })),
  );
}

describe('Logs service over gRPC', () => {
  it('streams the matching lines, oldest first, across streams and rotated files; the query is audited', async () => {
    const c = await serve(handlers());
    const all = await query(c, {});
    expect(all.lines.map((l) => [l.type, l.msg, l.file])).toEqual([
      ['operation', 'one', 'operation.2026-06-01.1.log'],
      ['audit', 'two', 'audit.2026-06-01.1.log'],
      ['operation', 'three', 'operation.2026-06-01.2.log'],
    ]);
    expect(JSON.parse(all.lines[0]!.json)).toMatchObject({ module: 'p2p', msg: 'one' });
    const some = await query(c, { types: ['operation'], level: 'error' });
    expect(some.lines.map((l) => l.msg)).toEqual(['three']);
    expect(audit.filter((a) => a.meta?.event === 'logs.query')).toHaveLength(2);
    c.close();
  });

  it('answers a bad filter with INVALID_ARGUMENT', async () => {
    const c = await serve(handlers());
    expect((await query(c, { types: ['nope'] })).code).toBe(status.INVALID_ARGUMENT);
    expect((await query(c, { from: 'yesterday' })).code).toBe(status.INVALID_ARGUMENT);
    c.close();
  });

  it('refuses a query from off the node host, and audits the refusal', async () => {
    const h = handlers();
    const caller = callerAt('ipv4:10.0.0.7:4000');
    await expect(h.queryLogs({}, caller).next()).rejects.toMatchObject({ code: ApiErrorCode.Unauthorized });
    expect(audit.map((a) => a.meta?.event)).toEqual(['logs.query.refused']);
    const md = new Metadata();
    for (const peer of ['127.0.0.1:5', 'ipv4:127.0.0.1:5', '[::1]:5', 'ipv6:[::1]:5'])
      await expect(loopbackOnly(callerAt(peer, md))).resolves.toBe(peer);
    for (const peer of ['10.0.0.7:5', '128.0.0.1:5', '[::2]:5', '127.0.0.1.evil:5'])
      await expect(loopbackOnly(callerAt(peer, md))).rejects.toMatchObject({
        code: ApiErrorCode.Unauthorized,
      });
  });

  it('refuses every deletion when no administrator check is given, and audits it', async () => {
    const c = await serve(handlers());
    expect((await del(c, { before: at(100) })).code).toBe(status.PERMISSION_DENIED);
    expect(readdirSync(dir)).toHaveLength(3);
    expect(audit.map((a) => a.meta?.event)).toEqual(['logs.delete.refused']);
    c.close();
  });

  it('deletes for an administrator, never a stream current file, naming each file in the audit stream', async () => {
    const c = await serve(handlers({ authorizeAdmin: tokenAdmin }));
    expect((await del(c, { before: new Date().toISOString() })).code).toBe(status.PERMISSION_DENIED);
    const md = new Metadata();
    md.set('x-admin', 'let-me');
    expect((await del(c, {}, md)).code).toBe(status.INVALID_ARGUMENT);
    const before = new Date(Date.now() - 86_400_000).toISOString();
    const { res } = await del(c, { before }, md);
    expect(res?.files).toEqual([{ name: 'operation.2026-06-01.1.log', size: expect.any(Number) }]);
    expect(readdirSync(dir).sort()).toEqual(['audit.2026-06-01.1.log', 'operation.2026-06-01.2.log']);
    const deleted = audit.filter((a) => a.meta?.event === 'logs.deleted');
    expect(deleted.map((a) => [a.meta?.admin, a.meta?.file])).toEqual([
      ['admin-1', 'operation.2026-06-01.1.log'],
    ]);
    expect(deleted[0]?.meta?.peer).toMatch(/^(ipv4:)?127\.0\.0\.1:\d+$/);
    c.close();
  });

  it('deletes for a signed administrator only: unsigned, non-admin and other-bytes signatures are refused', async () => {
    const c = await serve(handlers({ authorizeAdmin: adminOnly(testAdminAuth()) }));
    const before = new Date(Date.now() - 86_400_000).toISOString();
    const req = { before };
    const sign = (key: typeof adminKey, r: object) =>
      signedFor(key, DELETE_PATH, requestBytes('DeleteLogs', r));
    expect((await del(c, req)).code).toBe(status.UNAUTHENTICATED);
    expect((await del(c, req, sign(strangerKey, req))).code).toBe(status.PERMISSION_DENIED);
    expect((await del(c, req, sign(adminKey, { before: at(0) }))).code).toBe(status.UNAUTHENTICATED);
    expect(readdirSync(dir)).toHaveLength(3);
    const { res } = await del(c, req, sign(adminKey, req));
    expect(res?.files.map((f) => f.name)).toEqual(['operation.2026-06-01.1.log']);
    const events = audit.map((a) => [a.meta?.event, a.meta?.admin]);
    expect(events.slice(0, 3).map((e) => e[0])).toEqual(Array(3).fill('logs.delete.refused'));
    expect(events.slice(3)).toEqual([
      ['logs.deleted', adminId],
      ['logs.delete', adminId],
    ]);
    c.close();
  });

  it('answers queries from loopback, and from elsewhere to administrators only', async () => {
    const open = loopbackOrAdmin(testAdminAuth());
    const req = { types: ['audit'] };
    const bytes = requestBytes('QueryLogs', req);
    const far = '10.0.0.7:4000';
    await expect(open(callerAt('127.0.0.1:5'))).resolves.toBe('127.0.0.1:5');
    await expect(open(callerAt(far))).rejects.toMatchObject({ code: ApiErrorCode.Unauthenticated });
    await expect(open(callerAt(far, signedFor(strangerKey, QUERY_PATH, bytes), bytes))).rejects.toMatchObject(
      {
        code: ApiErrorCode.PermissionDenied,
      },
    );
    await expect(open(callerAt(far, signedFor(adminKey, QUERY_PATH, bytes), bytes))).resolves.toBe(adminId);
    // A loopback caller that signs is named by its key; a bad signature is refused, not downgraded.
    await expect(open(callerAt('127.0.0.1:5', signedFor(adminKey, QUERY_PATH, bytes), bytes))).resolves.toBe(
      adminId,
    );
    await expect(
      open(callerAt('127.0.0.1:5', signedFor(adminKey, QUERY_PATH, new Uint8Array([1])), bytes)),
    ).rejects.toMatchObject({ code: ApiErrorCode.Unauthenticated });
  });
});

describe('queryLogsRemote (what `bkdms logs query --rpc` reads)', () => {
  const remote = async (req: Parameters<typeof queryLogsRemote>[1]) => {
    const out: { type: string; msg: string; record: Record<string, unknown> }[] = [];
    for await (const l of queryLogsRemote({ address, tls: { insecure: true } }, req))
      out.push({ type: l.type, msg: l.msg, record: JSON.parse(l.json) as Record<string, unknown> });
    return out;
  };

  it('streams the lines the node matched, with each line as written', async () => {
    const c = await serve(handlers());
    c.close();
    expect((await remote({})).map((l) => [l.type, l.msg])).toEqual([
      ['operation', 'one'],
      ['audit', 'two'],
      ['operation', 'three'],
    ]);
    const filtered = await remote({ types: ['operation'], module: 'store' });
    expect(filtered.map((l) => [l.msg, l.record.level])).toEqual([['three', 50]]);
    expect(await remote({ limit: 1 })).toHaveLength(1);
  });

  it('a refused caller gets a typed Unauthorized error', async () => {
    (await serve(handlers({ authorizeQuery: tokenAdmin }))).close();
    await expect(remote({})).rejects.toMatchObject({ code: ApiErrorCode.Unauthorized });
  });

  it('a filter the node refuses gets a typed InvalidArgument error', async () => {
    (await serve(handlers())).close();
    await expect(remote({ grep: '(' })).rejects.toMatchObject({ code: ApiErrorCode.InvalidArgument });
  });
});
