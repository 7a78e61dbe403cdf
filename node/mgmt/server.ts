// The management HTTP port of one node (node:http, separate from the RPC port so scrapers and
// probes never compete with uploads): GET /metrics, GET /healthz, GET /status, GET and PUT
// /logspec. Request bodies are capped before buffering; slow clients time out.
// It listens on loopback by default. Off loopback it must be HTTPS with client certificates
// (mutual TLS): it refuses to start otherwise, and answers any request without a certificate its
// CA signed with 401/403 before routing it (caller-controlled log levels are a denial-of-service
// lever, and /status describes the chain's topology).

import { constants as tlsConstants } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Registry } from 'prom-client';
import { RuntimeError } from '../../runtime/errors.js';
import { isLoopbackHost } from '../../runtime/loopback.js';
import { NodeError, NodeErrorCode } from '../errors.js';
import type { Health } from './health.js';
import { toJson } from './json.js';

export interface MgmtOptions {
  /** host:port; port 0 picks a free one. */
  listen: string;
  registry: Registry;
  health: () => Health | Promise<Health>;
  /** Any JSON-able value; byte arrays are shown as hex. */
  status: () => unknown;
  logs: { setLogSpec(spec: string): void; spec(): string };
  /** The audit stream: each PUT /logspec with the caller's address, the spec before and after. */
  audit?: { info(meta: object, msg: string): void };
  /** Largest request body (the log spec); default 4 KiB. */
  maxBodyBytes?: number;
  /** Fault management: GET /alarms and GET /alarms/history (read only; acknowledging is gRPC's). */
  alarms?: { list(): unknown; history(): unknown };
  /**
   * HTTPS with mutual TLS: PEM server certificate chain and key, and the CA bundle that signs the
   * clients' certificates. Required when `listen` is off loopback.
   */
  tls?: MgmtTls;
}

export interface MgmtTls {
  cert: Uint8Array;
  key: Uint8Array;
  clientCa: Uint8Array;
}

export interface MgmtServer {
  readonly port: number;
  close(): Promise<void>;
}

export function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  const port = Number(listen.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new NodeError(NodeErrorCode.BadConfig, `expected host:port, got "${listen}"`);
  return { host: listen.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
}

function send(
  res: ServerResponse,
  code: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const text = 'text/plain; charset=utf-8';
const json = 'application/json';

/** Reads a body of at most `max` bytes; null when it is larger (the rest is not buffered). */
async function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  if (Number(req.headers['content-length'] ?? 0) > max) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Why a request may not go on, or undefined when its caller is authenticated: over TLS, by a
 * client certificate the configured CA signed; over plain HTTP (loopback only), by coming from
 * this machine.
 */
function refusal(req: IncomingMessage, tls: boolean): { code: number; body: string } | undefined {
  if (!tls) {
    const from = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    return isLoopbackHost(from)
      ? undefined
      : { code: 403, body: 'management calls are only taken from this machine without TLS\n' };
  }
  const socket = req.socket as TLSSocket;
  const presented = Object.keys(socket.getPeerCertificate?.() ?? {}).length > 0;
  if (socket.authorized && presented) return undefined;
  return presented
    ? {
        code: 403,
        body: `client certificate refused (${String(socket.authorizationError)}): it must be signed by mgmt.tls.clientCa\n`,
      }
    : {
        code: 401,
        body: 'client certificate required: the management port uses mutual TLS (mgmt.tls.clientCa)\n',
      };
}

/** Off loopback only with mutual TLS: a plain management port would hand anyone the log levels. */
function checkExposure(host: string, tls: MgmtTls | undefined): void {
  if (tls === undefined && !isLoopbackHost(host))
    throw new NodeError(
      NodeErrorCode.BadConfig,
      `mgmt.listen is off loopback (${host}): set mgmt.tls {cert, key, clientCa} for mutual TLS, or listen on 127.0.0.1`,
    );
}

export async function startMgmtServer(opts: MgmtOptions): Promise<MgmtServer> {
  const maxBody = opts.maxBodyBytes ?? 4096;
  const { host, port } = splitHostPort(opts.listen);
  checkExposure(host, opts.tls);
  const routes: Record<
    string,
    Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>
  > = {
    '/metrics': {
      GET: async (_req, res) => send(res, 200, opts.registry.contentType, await opts.registry.metrics()),
    },
    '/healthz': {
      GET: async (_req, res) => {
        const h = await opts.health();
        send(res, h.ready ? 200 : 503, json, toJson(h));
      },
    },
    '/status': { GET: async (_req, res) => send(res, 200, json, toJson(await opts.status())) },
    '/logspec': {
      GET: async (_req, res) => send(res, 200, text, `${opts.logs.spec()}\n`),
      PUT: async (req, res) => {
        const body = await readBody(req, maxBody);
        if (body === null)
          return send(res, 413, text, `body larger than ${maxBody} bytes\n`, { connection: 'close' });
        const before = opts.logs.spec();
        const caller = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
        try {
          opts.logs.setLogSpec(body.trim());
        } catch (err) {
          if (err instanceof RuntimeError) {
            opts.audit?.info(
              { event: 'mgmt.logspec', caller, before, refused: err.message },
              'log spec refused',
            );
            return send(res, 400, text, `${err.message}\n`);
          }
          throw err;
        }
        opts.audit?.info(
          { event: 'mgmt.logspec', caller, before, after: opts.logs.spec() },
          'log spec changed',
        );
        send(res, 200, text, `${opts.logs.spec()}\n`);
      },
    },
  };
  const alarms = opts.alarms;
  if (alarms !== undefined) {
    routes['/alarms'] = { GET: async (_req, res) => send(res, 200, json, toJson({ alarms: alarms.list() })) };
    routes['/alarms/history'] = {
      GET: async (_req, res) => send(res, 200, json, toJson({ alarms: alarms.history() })),
    };
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req, opts.tls !== undefined);
    if (refused !== undefined) return send(res, refused.code, text, refused.body, { connection: 'close' });
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    const handler = route?.[req.method ?? ''];
    if (!route) return send(res, 404, text, 'not found\n');
    if (!handler)
      return send(res, 405, text, 'method not allowed\n', { allow: Object.keys(route).join(', ') });
    handler(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, text, 'internal error\n');
      else res.destroy();
    });
  };
  const tls = opts.tls;
  const server: Server =
    tls === undefined
      ? createServer(handle)
      : createHttpsServer(
          {
            cert: Buffer.from(tls.cert),
            key: Buffer.from(tls.key),
            ca: Buffer.from(tls.clientCa),
            // Asked for, then judged per request, so that a caller without one gets a clear 401.
            requestCert: true,
            rejectUnauthorized: false,
            // No session resumption: a resumed TLS session reports `authorized` without the
            // client having shown a certificate on it, so every connection must do a full handshake.
            secureOptions: tlsConstants.SSL_OP_NO_TICKET,
            sessionTimeout: 0,
          },
          handle,
        );
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxHeadersCount = 50;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
