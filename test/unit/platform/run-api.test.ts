// `platform run` with `api` in its config serves the query API over the database it fills while
// following the chain, with the handle's verified trace and assessment, and closes it on stop.
import { beforeAll, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { parsePlatformConfig } from '../../../platform/config.js';
import { PlatformErrorCode } from '../../../platform/errors.js';
import { hex } from '../../../platform/hex.js';
import { runPlatform } from '../../../platform/run.js';
import { PlatformStore } from '../../../platform/store.js';
import { get } from './api-helpers.js';
import {
  entry,
  FakeChain,
  genesis,
  HOUR,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
} from './fixture.js';
import { WARM_UP } from './sql-fakes.js';

const base = {
  dataDir: 'db',
  genesis: 'genesis.json',
  chain: { endpoints: ['127.0.0.1:1'], insecure: true },
  encryptionKeys: [{ path: 'scp.key' }],
  assess: { periodMs: HOUR, zThreshold: 3.5 },
};

beforeAll(...WARM_UP);

describe('platform run with the query API', () => {
  it('is off without `api`, and `api: {}` listens on 127.0.0.1:7080', () => {
    expect(parsePlatformConfig(base).api).toBeUndefined();
    expect(parsePlatformConfig({ ...base, api: {} }).api).toEqual({ listen: '127.0.0.1:7080', tokens: [] });
    expect(() => parsePlatformConfig({ ...base, api: { tokens: ['short'] } })).toThrow(/api\.tokens/);
  });

  it('serves what it extracted, traces through the nodes, and stops serving on stop', async () => {
    const chain = new FakeChain();
    for (let h = 1; h <= 3; h++)
      chain.append([
        upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, 5 + h)])),
        upload(siteB, h, record(siteB, T0 + h * HOUR, [entry(UNEMPLOYMENT, 7)])),
      ]);
    const p = await runPlatform(parsePlatformConfig({ ...base, api: { listen: '127.0.0.1:0' } }), {
      genesis,
      sources: [chain],
      scpKeys: [scpKey],
      store: PlatformStore.memory(),
    });
    try {
      await p.waitForHeight(3);
      expect(p.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const url = p.apiUrl as string;
      const latest = await get(url, '/v1/latest?city=CNSHA');
      expect(latest.json.values.map((v: { kpi: number; value: number }) => [v.kpi, v.value])).toEqual([
        [UNEMPLOYMENT, 8],
      ]);
      const tc = hex(tracingCode(chain.built[1]!.envelopes[0]!));
      const t = await get(url, `/v1/trace/${tc}`);
      expect(t.status).toBe(200);
      expect(t.json.meta.height).toBe(2);
      expect(t.json.evidence.verified).toBe(true);
      const a = await get(url, `/v1/assessment?from=${T0 + HOUR}&to=${T0 + 4 * HOUR}`);
      expect(a.json.bySite['10.0.0.2']).toMatchObject({ received: 3 });
    } finally {
      await p.stop();
    }
    await expect(fetch(`${p.apiUrl}/v1/latest?city=CNSHA`)).rejects.toThrow();
  });

  it('refuses to start serving off loopback without a token, and follows nothing then', async () => {
    const config = parsePlatformConfig({ ...base, api: { listen: '0.0.0.0:0' } });
    await expect(
      runPlatform(config, {
        genesis,
        sources: [new FakeChain()],
        scpKeys: [scpKey],
        store: PlatformStore.memory(),
      }),
    ).rejects.toMatchObject({ code: PlatformErrorCode.BadConfig });
  });
});
