// The management port over real HTTP on 127.0.0.1:0: metrics text, health, status, log spec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadStatus } from '../../../api/types.js';
import type { Health } from '../../../node/mgmt/health.js';
import type { NodeMetrics } from '../../../node/mgmt/metrics.js';
import { admissionCounter, createNodeMetrics, rpcCallObserver } from '../../../node/mgmt/metrics.js';
import type { MgmtServer } from '../../../node/mgmt/server.js';
import { splitHostPort, startMgmtServer } from '../../../node/mgmt/server.js';
import type { Logs } from '../../../runtime/log.js';
import { createLogs } from '../../../runtime/log.js';

let server: MgmtServer;
let metrics: NodeMetrics;
let logs: Logs;
let health: Health = { ready: false, reason: 'catching up with the chain' };
let base: string;

beforeAll(async () => {
  metrics = createNodeMetrics({ labels: { node: '0' } });
  logs = createLogs({ spec: 'info', destination: { write: () => {} } });
  server = await startMgmtServer({
    listen: '127.0.0.1:0',
    registry: metrics.registry,
    health: () => health,
    status: () => ({ height: 12, chainId: new Uint8Array([0xab, 0xcd]), raw: Buffer.from([1, 2]) }),
    logs,
    maxBodyBytes: 64,
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

describe('management HTTP', () => {
  it('GET /metrics serves the node metrics in Prometheus text format', async () => {
    const count = admissionCounter(metrics);
    for (const s of [UploadStatus.Accepted, UploadStatus.Accepted, UploadStatus.Accepted]) count(s, '');
    count(UploadStatus.AlreadyPending, '');
    count(UploadStatus.Rejected, 'BAD_SIGNATURE');
    metrics.blockHeight.set(12);
    metrics.commitLatency.observe(0.3);
    rpcCallObserver(metrics)('Upload', 'OK', 0.002);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const body = await res.text();
    expect(body).toContain('bkdms_envelopes_admitted_total{node="0"} 3');
    expect(body).toContain('bkdms_envelopes_rejected_total{reason="BAD_SIGNATURE",node="0"} 1');
    expect(body).toContain('bkdms_block_height{node="0"} 12');
    expect(body).toContain('bkdms_commit_latency_seconds_bucket{le="0.5",node="0"} 1');
    expect(body).toContain('bkdms_rpc_requests_total{method="Upload",outcome="OK",node="0"} 1');
    for (const name of [
      'bkdms_view_changes_total',
      'bkdms_peers_connected',
      'bkdms_mempool_envelopes',
      'bkdms_mempool_bytes',
      'bkdms_process_cpu_seconds_total',
    ])
      expect(body).toContain(`# TYPE ${name} `);
  });

  it('GET /healthz is 503 with the reason until ready, then 200', async () => {
    health = { ready: false, reason: 'catching up with the chain' };
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ready: false, reason: 'catching up with the chain' });
    health = { ready: true };
    const up = await fetch(`${base}/healthz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ ready: true });
  });

  it('GET /status is the callback value as JSON, bytes as hex', async () => {
    const res = await fetch(`${base}/status`);
    expect(await res.json()).toEqual({ height: 12, chainId: 'abcd', raw: '0102' });
  });

  it('PUT /logspec changes module levels; a bad spec is 400 and changes nothing', async () => {
    const p2p = logs.logger('p2p');
    expect(p2p.level).toBe('info');
    const ok = await fetch(`${base}/logspec`, { method: 'PUT', body: 'warn,p2p=debug' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('warn,p2p=debug\n');
    expect(p2p.level).toBe('debug');
    expect(logs.logger('consensus').level).toBe('warn');
    const bad = await fetch(`${base}/logspec`, { method: 'PUT', body: 'p2p=loud' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('unknown level "loud"');
    expect(p2p.level).toBe('debug');
    expect(await (await fetch(`${base}/logspec`)).text()).toBe('warn,p2p=debug\n');
  });

  it('refuses a body over the cap with 413', async () => {
    const res = await fetch(`${base}/logspec`, { method: 'PUT', body: `info,${'a'.repeat(100)}=debug` });
    expect(res.status).toBe(413);
    expect(logs.spec()).toBe('warn,p2p=debug');
  });

  it('unknown paths are 404, wrong methods 405 with Allow', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const res = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});

describe('listen address', () => {
  it('splits host:port, IPv6 in brackets included, and rejects the rest', () => {
    expect(splitHostPort('127.0.0.1:9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(splitHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    for (const bad of ['9100', ':9100', 'host:99999', 'host:x'])
      expect(() => splitHostPort(bad)).toThrow(/BAD_CONFIG/);
  });
});
