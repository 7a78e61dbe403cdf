// The relayer's own /metrics (Prometheus text) and /healthz: what it submitted, the misbehaviour it
// found, its last update and its errors. Healthy while a step succeeded within `staleMs`. Binds to
// loopback unless the caller passes another host on purpose (the CLI asks for --metrics-public).
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { StepOutcome } from './relayer.js';

export class RelayMetrics {
  readonly registry = new Registry();
  private readonly updates = new Counter({
    name: 'bkdms_relay_updates_submitted_total',
    help: 'updateClient calls submitted, by result (applied or the contract reason)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly misbehaviour = new Counter({
    name: 'bkdms_relay_misbehaviour_found_total',
    help: 'conflicting certified headers found and submitted, by result',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'bkdms_relay_errors_total',
    help: 'steps that failed (a chain unreachable, an answer without proof)',
    registers: [this.registry],
  });
  private readonly lastHeight = new Gauge({
    name: 'bkdms_relay_last_update_height',
    help: 'remote height of the last update applied on the destination chain',
    registers: [this.registry],
  });
  private readonly lastTime = new Gauge({
    name: 'bkdms_relay_last_update_time_seconds',
    help: 'when the last update was applied (Unix seconds, relayer clock)',
    registers: [this.registry],
  });
  private readonly sourceHeight = new Gauge({
    name: 'bkdms_relay_source_height',
    help: 'the newest height chain A had certified at the last step',
    registers: [this.registry],
  });
  private readonly clientHeight = new Gauge({
    name: 'bkdms_relay_client_height',
    help: "the newest height of A that B's light client holds, as of the last step (the backlog is the difference to bkdms_relay_source_height)",
    registers: [this.registry],
  });
  private readonly lastStep = new Gauge({
    name: 'bkdms_relay_last_step_time_seconds',
    help: 'when a step last succeeded (Unix seconds, relayer clock): the heartbeat alerts read',
    registers: [this.registry],
  });
  private readonly clientFrozen = new Gauge({
    name: 'bkdms_relay_client_frozen',
    help: '1 when the last step found the client frozen',
    registers: [this.registry],
  });
  /** Time of the last step that did not throw (ms), and the last error message. */
  lastOkAt: number | undefined;
  lastError: string | undefined;

  constructor(private readonly now: () => number) {}

  step(o: StepOutcome): void {
    this.lastOkAt = this.now();
    this.lastStep.set(this.lastOkAt / 1000);
    this.clientFrozen.set(o.kind === 'frozen' ? 1 : 0);
    if (o.kind === 'fresh') {
      this.sourceHeight.set(o.sourceHeight);
      this.clientHeight.set(o.latestHeight);
    } else if (o.kind === 'updated') {
      this.updates.inc({ result: o.result || 'applied' });
      this.sourceHeight.set(o.height);
      if (o.result === '') {
        this.clientHeight.set(o.height);
        this.lastHeight.set(o.height);
        this.lastTime.set(this.now() / 1000);
      }
    } else if (o.kind === 'misbehaviour') this.misbehaviour.inc({ result: o.result || 'applied' });
  }

  error(message: string): void {
    this.errors.inc();
    this.lastError = message;
  }

  healthy(staleMs: number): boolean {
    return this.lastOkAt !== undefined && this.now() - this.lastOkAt <= staleMs;
  }
}

/** Serves GET /metrics and GET /healthz on host:port; resolves once listening. */
export async function serveRelayMetrics(
  m: RelayMetrics,
  host: string,
  port: number,
  staleMs: number,
): Promise<Server> {
  const server = createServer({ requestTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      m.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': m.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (path === '/healthz') {
      const ok = m.healthy(staleMs);
      const body = { ok, lastOkAt: m.lastOkAt ?? null, lastError: m.lastError ?? null };
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** "port" or "host:port" (IPv6 in brackets); the host defaults to 127.0.0.1. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(s);
  const port = Number(m?.[2]);
  if (m === null || port > 65535) throw new Error(`--metrics wants <port> or <host:port>, got ${s}`);
  return { host: (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
}
