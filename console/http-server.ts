// The console's HTTP server: the page (index.html, app.js, app.css from the esbuild bundle), the
// JSON reads of routes.ts under /api/, and /api/events, a Server-Sent-Events stream of the
// snapshot the service rebuilds each second. Off loopback every request but /login needs the
// token (auth.ts).
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { PlatformError } from '../platform/errors.js';
import { hostOf } from '../runtime/loopback.js';
import { loginCookie, requestToken, tokenMatches } from './auth.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import { action, governance, kpiQuality, kpiSiteList, kpiValues, logs } from './operator-routes.js';
import { alarmHistory, blockDetail, listBlocks, search, traceBundle } from './routes.js';
import type { ConsoleService } from './service.js';
import { validatorChanges } from './validator-changes.js';

export interface HttpOptions {
  listen: string;
  /** Folder of the built page (build/console/web). */
  webDir: string;
  token?: string;
  /** Most open event streams; the next viewer gets 503. */
  maxViewers?: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};
const SECURITY = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'Referrer-Policy': 'no-referrer',
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...SECURITY });
  res.end(JSON.stringify(body));
}

const CONSOLE_STATUS: Record<ConsoleErrorCode, number> = {
  [ConsoleErrorCode.BadOption]: 400,
  [ConsoleErrorCode.BadRequest]: 400,
  [ConsoleErrorCode.NotFound]: 404,
  [ConsoleErrorCode.Forbidden]: 403,
  [ConsoleErrorCode.Unavailable]: 503,
  [ConsoleErrorCode.Unproven]: 502,
  [ConsoleErrorCode.Conflict]: 409,
};

function statusOf(err: unknown): number {
  if (err instanceof ConsoleError) return CONSOLE_STATUS[err.code];
  if (err instanceof ApiError) {
    if (err.code === ApiErrorCode.NotFound) return 404;
    if (err.code === ApiErrorCode.InvalidArgument) return 400;
    // The node refused the console's admin credential (not the viewer's console login).
    if (err.code === ApiErrorCode.PermissionDenied || err.code === ApiErrorCode.Unauthenticated) return 403;
  }
  // A governance call the chain refused (platform/admin.ts REJECTED) or that did not commit in time.
  if (err instanceof PlatformError) return 409;
  return 502;
}

async function serveStatic(res: ServerResponse, webDir: string, path: string): Promise<void> {
  const name = path === '/' || !extname(path) ? 'index.html' : normalize(path).replace(/^([/\\])+/, '');
  if (name.includes('..')) return json(res, 404, { error: 'not found' });
  try {
    const body = await readFile(join(webDir, name));
    res.writeHead(200, { 'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream', ...SECURITY });
    res.end(body);
  } catch {
    json(res, 404, {
      error: `not found${name === 'index.html' ? ': the page is not built (npm run build)' : ''}`,
    });
  }
}

function events(svc: ConsoleService, req: IncomingMessage, res: ServerResponse, max: number): void {
  if (svc.viewers >= max) {
    json(res, 503, { error: 'too many viewers' });
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  const send = (s: unknown): void => {
    // A viewer that does not read gets no further snapshots until it does (bounded memory).
    if (res.writableLength < 1 << 20) res.write(`event: snapshot\ndata: ${JSON.stringify(s)}\n\n`);
  };
  send(svc.snapshot);
  const off = svc.subscribe(send);
  req.on('close', off);
}

async function api(
  svc: ConsoleService,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  o: HttpOptions,
): Promise<void> {
  const [, , what, arg] = url.pathname.split('/');
  switch (what) {
    case 'events':
      return events(svc, req, res, o.maxViewers ?? 256);
    case 'snapshot':
      return json(res, 200, svc.snapshot);
    case 'anchor':
      return svc.opts.anchor
        ? json(res, 200, svc.opts.anchor)
        : json(res, 404, { error: 'the console was started without --genesis' });
    case 'blocks':
      return json(res, 200, await listBlocks(svc, url.searchParams));
    case 'block':
      return json(res, 200, await blockDetail(svc, arg ?? ''));
    case 'search':
      return json(res, 200, await search(svc, url.searchParams.get('q') ?? ''));
    case 'trace':
      return json(res, 200, await traceBundle(svc, arg ?? ''));
    case 'alarms':
      return json(res, 200, await alarmHistory(svc));
    case 'validator-changes':
      return json(res, 200, await validatorChanges(svc));
    case 'governance':
      return json(res, 200, await governance(svc));
    case 'logs':
      return json(res, 200, await logs(svc, url.searchParams));
    case 'kpi':
      return json(
        res,
        200,
        arg === 'values'
          ? await kpiValues(svc, url.searchParams)
          : arg === 'quality'
            ? await kpiQuality(svc, url.searchParams)
            : await kpiSiteList(svc),
      );
    case 'node': {
      const n = svc.nodes[Number(arg)];
      if (n === undefined) return json(res, 404, { error: 'no such node' });
      return json(res, 200, n.view);
    }
    default:
      return json(res, 404, { error: 'no such API' });
  }
}

async function handle(
  svc: ConsoleService,
  o: HttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  const post = req.method === 'POST' && url.pathname.startsWith('/api/action/');
  if (req.method !== 'GET' && !post) return json(res, 405, { error: 'only GET, and POST of /api/action/…' });
  if (o.token !== undefined) {
    if (url.pathname === '/login') {
      const given = url.searchParams.get('token') ?? undefined;
      if (!tokenMatches(given, o.token)) return json(res, 401, { error: 'wrong token' });
      res.writeHead(303, { 'Set-Cookie': loginCookie(o.token), Location: '/' });
      return void res.end();
    }
    if (!tokenMatches(requestToken(req), o.token))
      return json(res, 401, { error: 'log in first: open /login?token=<the console token>' });
  }
  try {
    if (post) {
      const [, , , what, arg] = url.pathname.split('/');
      return json(res, 200, await action(svc, what, arg, req));
    }
    if (url.pathname.startsWith('/api/')) return await api(svc, url, req, res, o);
    return await serveStatic(res, o.webDir, url.pathname);
  } catch (err) {
    json(res, statusOf(err), { error: err instanceof Error ? err.message : String(err) });
  }
}

export async function startHttp(
  svc: ConsoleService,
  o: HttpOptions,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => void handle(svc, o, req, res));
  const host = hostOf(o.listen);
  const port = Number(o.listen.slice(o.listen.lastIndexOf(':') + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { server, url: `http://${shown}:${addr.port}/` };
}
