// The platform's query API (Y.4907 §8.3: KPI data and analysis results for smart city
// applications): HTTP/JSON on node:http, read-only. Only GET (and HEAD) on the routes of
// routes.ts; URLs are capped, request bodies refused, every query bounded by its LIMIT. Bad
// parameters are 400 `{ error, field }`, unknown paths 404, database failures 500 without detail.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '../../runtime/log.js';
import { PlatformError, PlatformErrorCode } from '../errors.js';
import { bearerCheck, checkExposure, parseListen } from './auth.js';
import { ApiInputError, only } from './params.js';
import { type Answer, type ApiDeps, ROUTES } from './routes.js';

export interface ApiOptions {
  /** host:port; port 0 picks a free one. */
  listen: string;
  /** Read tokens (Bearer); required off loopback. */
  tokens?: readonly string[];
  log?: Logger;
}

export interface ApiServer {
  /** http://host:port the server listens on. */
  readonly url: string;
  close(): Promise<void>;
}

/** Longest request target accepted (path and query). */
export const MAX_URL = 2048;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? v.toString() : v,
  );
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function answer(req: IncomingMessage, deps: ApiDeps): Promise<Answer> {
  const target = req.url ?? '/';
  if (target.length > MAX_URL) return { status: 414, body: { error: `URL longer than ${MAX_URL}` } };
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return { status: 405, body: { error: 'the query API is read-only: GET only' } };
  const len = req.headers['content-length'];
  if ((len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined)
    return { status: 413, body: { error: 'requests carry no body' } };
  const url = new URL(target, 'http://api.invalid');
  for (const r of ROUTES) {
    const args = r.match(url.pathname);
    if (!args) continue;
    only(url.searchParams, r.params);
    return r.handle(url.searchParams, deps, args);
  }
  return { status: 404, body: { error: `no such endpoint: ${url.pathname}` } };
}

/** Starts the query API; refuses (BAD_CONFIG) an address off loopback without tokens. */
export async function startApi(opts: ApiOptions, deps: ApiDeps): Promise<ApiServer> {
  const addr = parseListen(opts.listen);
  const tokens = opts.tokens ?? [];
  checkExposure(addr, tokens);
  const authorized = bearerCheck(tokens);
  const log = opts.log ?? silentLogger;

  const server: Server = createServer({ maxHeaderSize: 8192, requestTimeout: 60_000 }, (req, res) => {
    if (!authorized(req.headers.authorization)) {
      res.setHeader('www-authenticate', 'Bearer');
      send(res, 401, { error: 'a read token is required (Authorization: Bearer <token>)' });
      return;
    }
    answer(req, deps).then(
      (a) => {
        if ('stream' in a)
          a.stream(res).catch((err) => {
            log.warn({ error: (err as Error).message }, 'query API export failed');
            res.destroy();
          });
        else send(res, a.status, a.body);
      },
      (err: unknown) => {
        if (err instanceof ApiInputError) send(res, 400, { error: err.message, field: err.field });
        else if (err instanceof PlatformError && err.code === PlatformErrorCode.NotFound)
          send(res, 404, { error: err.message });
        else if (err instanceof PlatformError && err.code === PlatformErrorCode.Chain)
          // No node served a trace bundle that verifies: the nodes' failure, not the request's.
          send(res, 502, { error: err.message });
        else {
          log.warn(
            { error: (err as Error)?.message, url: req.url?.slice(0, 200) },
            'query API request failed',
          );
          send(res, 500, { error: 'query failed' });
        }
      },
    );
  });
  server.headersTimeout = 10_000;
  server.maxRequestsPerSocket = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  log.info({ url: `http://${host}:${bound.port}`, tokens: tokens.length }, 'query API listening');
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
