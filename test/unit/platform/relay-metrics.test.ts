// The relayer's /metrics and /healthz: counters by outcome, the last applied update, errors, and
// health that follows the last successful step; the listen address parsed with loopback default.
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseListen, RelayMetrics, serveRelayMetrics } from '../../../platform/relay/metrics.js';

describe('relayer metrics', () => {
  it('counts updates, misbehaviour and errors and serves them with a health that follows the steps', async () => {
    let now = 1_800_000_000_000;
    const m = new RelayMetrics(() => now);
    const server = await serveRelayMetrics(m, '127.0.0.1', 0, 10_000);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      m.step({ kind: 'updated', height: 12, result: '' });
      m.step({ kind: 'updated', height: 13, result: 'DuplicateUpdate' });
      m.step({ kind: 'misbehaviour', height: 14, result: '' });
      m.error('chain A answered without a proof');
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        ok: true,
        lastOkAt: now,
        lastError: 'chain A answered without a proof',
      });
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('bkdms_relay_updates_submitted_total{result="applied"} 1');
      expect(text).toContain('bkdms_relay_updates_submitted_total{result="DuplicateUpdate"} 1');
      expect(text).toContain('bkdms_relay_misbehaviour_found_total{result="applied"} 1');
      expect(text).toContain('bkdms_relay_errors_total 1');
      expect(text).toContain('bkdms_relay_last_update_height 12');
      expect(text).toContain(`bkdms_relay_last_update_time_seconds ${(now / 1000).toString()}`);
      expect(text).toContain(`bkdms_relay_last_step_time_seconds ${(now / 1000).toString()}`);
      expect(text).toContain('bkdms_relay_client_frozen 0');
      expect(text).toContain('bkdms_relay_source_height 13');
      expect(text).toContain('bkdms_relay_client_height 12');
      m.step({ kind: 'fresh', latestHeight: 12, sourceHeight: 20, msSinceUpdate: 1 });
      const later = await (await fetch(`${base}/metrics`)).text();
      expect(later).toContain('bkdms_relay_source_height 20');
      expect(later).toContain('bkdms_relay_client_height 12');
      now += 10_001;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/other`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('parses the listen address with a loopback default', () => {
    expect(parseListen('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(() => parseListen('host:99999')).toThrow(/--metrics/);
    expect(() => parseListen('no-port')).toThrow(/--metrics/);
  });
});
