// HTTP push source: devices or a city feed POST readings as JSON to /readings (one object, an
// array, or {"readings": [...]}). The body is capped before it is buffered, each reading is
// validated, and the client gets 202 only once the batch is durably spooled: a 202 is a promise
// that the reading will not be lost. When the site falls behind, requests queue up to a bound and
// then get 503 with Retry-After rather than growing memory.
// It listens on loopback by default. Off loopback every request must carry the configured bearer
// token (compared in constant time) or come over mutual TLS with a certificate the configured CA
// signed; the source refuses to start off loopback with neither, since anyone reaching the port
// could otherwise inject readings the site would sign as its own.
import { createHash, randomUUID, timingSafeEqual, constants as tlsConstants } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isLoopbackHost } from '../../runtime/loopback.js';
import { SiteError, SiteErrorCode } from '../errors.js';
import { deferred, type ReadingBatch, readingOrInvalid, type Source } from './source.js';

export interface HttpPushOptions {
  name: string;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Readings accepted in one request. */
  maxReadings: number;
  /** Requests waiting to be spooled before new ones get 503. */
  maxQueued: number;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** HTTPS; clients must present a certificate `clientCa` signed. */
  tls?: { cert: Uint8Array; key: Uint8Array; clientCa: Uint8Array };
}

/** Shortest accepted bearer token: 16 characters (about 96 bits as base64). */
export const MIN_PUSH_TOKEN_CHARS = 16;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant time whatever the lengths: the digests compared always have 32 bytes. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && m !== null;
}

interface Queued {
  batch: ReadingBatch;
  done: (err?: Error) => void;
}

export class HttpPushSource implements Source {
  readonly name: string;
  private readonly queue: Queued[] = [];
  private wake: (() => void) | null = null;
  private server: Server | null = null;
  private readonly bound = deferred<number>();

  constructor(private readonly opts: HttpPushOptions) {
    this.name = opts.name;
  }

  caughtUp(): boolean {
    return this.queue.length === 0;
  }

  /** The port actually bound (useful with port 0), once listening. */
  port(): Promise<number> {
    return this.bound.promise;
  }

  /** Refuses an exposed port with no way to tell who is pushing. */
  private checkExposure(): void {
    const { host, token, tls } = this.opts;
    if (token !== undefined && token.length < MIN_PUSH_TOKEN_CHARS)
      throw new SiteError(
        SiteErrorCode.BadConfig,
        `push source ${this.name}: token shorter than ${MIN_PUSH_TOKEN_CHARS} characters`,
        { source: this.name },
      );
    if (!isLoopbackHost(host) && token === undefined && tls === undefined)
      throw new SiteError(
        SiteErrorCode.BadConfig,
        `push source ${this.name} listens off loopback (${host}): set tokenFile (bearer token) or tls {cert, key, clientCa}, or listen on 127.0.0.1`,
        { source: this.name },
      );
  }

  private createServer(signal: AbortSignal): Server {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res, signal);
    const tls = this.opts.tls;
    if (tls === undefined) return createServer(handler);
    return createHttpsServer(
      {
        cert: Buffer.from(tls.cert),
        key: Buffer.from(tls.key),
        ca: Buffer.from(tls.clientCa),
        requestCert: true,
        rejectUnauthorized: true,
        // Full handshakes only: a resumed session would skip the client certificate.
        secureOptions: tlsConstants.SSL_OP_NO_TICKET,
        sessionTimeout: 0,
      },
      handler,
    );
  }

  /** 401 unless the caller shows the token (when one is configured) and, over TLS, a verified certificate. */
  private authenticated(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.opts.tls !== undefined) {
      const socket = req.socket as TLSSocket;
      if (!socket.authorized || Object.keys(socket.getPeerCertificate()).length === 0) {
        reply(res, 401, { error: 'client certificate required' });
        return false;
      }
    }
    if (this.opts.token !== undefined && !tokenMatches(req.headers.authorization, this.opts.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      reply(res, 401, { error: 'missing or wrong bearer token' });
      return false;
    }
    return true;
  }

  async *batches(signal: AbortSignal): AsyncIterable<ReadingBatch> {
    this.checkExposure();
    const server = this.createServer(signal);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new SiteError(SiteErrorCode.SourceFailed, `cannot listen: ${err.message}`, { source: this.name }),
        ),
      );
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.bound.resolve((server.address() as AddressInfo).port);
    const onAbort = (): void => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const item = this.queue[0];
        if (item === undefined) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = null;
          continue;
        }
        // Resumed only after the consumer stored the batch: then the client may be told 202.
        yield item.batch;
        this.queue.shift();
        item.done();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const q of this.queue.splice(0)) q.done(new SiteError(SiteErrorCode.Stopped, 'site stopping'));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      this.server = null;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    if (!this.authenticated(req, res)) {
      req.resume();
      return;
    }
    if (req.method !== 'POST' || req.url !== '/readings') return reply(res, 404, { error: 'POST /readings' });
    if (signal.aborted || this.queue.length >= this.opts.maxQueued) {
      res.setHeader('Retry-After', '1');
      return reply(res, 503, { error: 'site busy, retry later' });
    }
    const body = await readBody(req, this.opts.maxBodyBytes);
    if (body === null) return reply(res, 413, { error: `body larger than ${this.opts.maxBodyBytes} bytes` });
    let items: unknown[];
    try {
      const parsed: unknown = JSON.parse(body);
      const list = Array.isArray(parsed) ? parsed : (parsed as { readings?: unknown }).readings;
      items = Array.isArray(list) ? list : [parsed];
    } catch {
      return reply(res, 400, { error: 'body is not valid JSON' });
    }
    if (items.length > this.opts.maxReadings) {
      return reply(res, 413, { error: `more than ${this.opts.maxReadings} readings in one request` });
    }
    const batch: ReadingBatch = { readings: [], invalid: [] };
    const prefix = randomUUID();
    items.forEach((item, i) => {
      const r = readingOrInvalid(item, this.name, `${prefix}:${i}`);
      if ('reason' in r) batch.invalid.push(r);
      else batch.readings.push(r);
    });
    const rejected = batch.invalid.map((r) => ({ index: Number(r.id.split(':')[1]), reason: r.reason }));
    const stored = deferred<void>();
    this.queue.push({ batch, done: (err) => (err ? stored.reject(err) : stored.resolve()) });
    this.wake?.();
    try {
      await stored.promise;
    } catch {
      return reply(res, 503, { error: 'site stopping, retry later' });
    }
    reply(res, batch.readings.length > 0 ? 202 : 400, { accepted: batch.readings.length, rejected });
  }

  /** For tests and shutdown paths that did not start iterating. */
  close(): void {
    this.server?.close();
  }
}

/** Reads a request body up to `max` bytes; null (and the request drained) when it is larger. */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
