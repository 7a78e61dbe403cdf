// The platform's query API in process over a seeded in-memory store: every endpoint's answer
// worked out by hand from the seed (api-seed.ts), paging, refused parameters naming their field,
// read tokens, and the CSV export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformErrorCode } from '../../../platform/errors.js';
import { PlatformStore } from '../../../platform/store.js';
import type { TraceEvidence } from '../../../platform/trace.js';
import { type ApiServer, get, parseCsv, startApi, storeDeps } from './api-helpers.js';
import { ELECTRICITY, HOUR, SEED, SITE_A, seed, T0, tracingCode, UNEMPLOYMENT } from './api-seed.js';
import { WARM_UP } from './sql-fakes.js';

let store: PlatformStore;
let api: ApiServer;
const traced: string[] = [];

beforeAll(async () => {
  await WARM_UP[0]();
  store = PlatformStore.memory();
  await seed(store);
  const trace = async (tc: string) => {
    traced.push(tc);
    return { tracingCode: tc, verified: true } as TraceEvidence;
  };
  api = await startApi({ listen: '127.0.0.1:0' }, storeDeps(store, { trace }));
}, WARM_UP[1]);

afterAll(async () => {
  await api?.close();
  await store?.close();
});

describe('GET /v1/values', () => {
  it('answers the values of a city and KPI in time order, with every field', async () => {
    const r = await get(api, `/v1/values?city=CNSHA&kpi=${UNEMPLOYMENT}`);
    expect(r.status).toBe(200);
    expect(r.json.values.map((v: { value: number }) => v.value)).toEqual([10, 20, 30, 40, 50]);
    expect(r.json.next).toBeNull();
    expect(r.json.values[0]).toEqual({
      city: 'CNSHA',
      country: 156,
      site: '10.0.0.1',
      siteId: SITE_A,
      kpi: UNEMPLOYMENT,
      series: 0,
      time: T0,
      value: 10,
      unit: '%',
      flags: 0,
      tracingCode: tracingCode(SEED[0]!),
      height: 1,
      index: 0,
      entry: 0,
    });
  });

  it('filters by site (address or hex) and by [from, to)', async () => {
    const byAddr = await get(
      api,
      `/v1/values?site=10.0.0.1&kpi=${ELECTRICITY}&from=${T0 + HOUR}&to=${T0 + 3 * HOUR}`,
    );
    expect(byAddr.json.values.map((v: { value: number }) => v.value)).toEqual([91, 92]);
    const iso = new Date(T0 + HOUR).toISOString();
    const byHex = await get(
      api,
      `/v1/values?site=${SITE_A}&kpi=${ELECTRICITY}&from=${iso}&to=${T0 + 3 * HOUR}`,
    );
    expect(byHex.json.values).toEqual(byAddr.json.values);
    const all = await get(api, '/v1/values');
    expect(all.json.values).toHaveLength(11);
  });

  it('pages with an opaque cursor: no row skipped or repeated', async () => {
    const seen: number[] = [];
    let path = '/v1/values?limit=4';
    let pages = 0;
    for (;;) {
      const r = await get(api, path);
      expect(r.status).toBe(200);
      pages++;
      expect(r.json.values.length).toBeLessThanOrEqual(4);
      seen.push(
        ...r.json.values.map(
          (v: { height: number; index: number; entry: number }) => v.height * 100 + v.index * 10 + v.entry,
        ),
      );
      if (r.json.next === null) break;
      path = `/v1/values?limit=4&cursor=${r.json.next}`;
    }
    expect(pages).toBe(3);
    const all = (await get(api, '/v1/values?limit=1000')).json.values.map(
      (v: { height: number; index: number; entry: number }) => v.height * 100 + v.index * 10 + v.entry,
    );
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(11);
  });
});

describe('GET /v1/aggregates', () => {
  it('gives count, min, max, mean and percentiles per period', async () => {
    const day = await get(api, `/v1/aggregates?city=CNSHA&kpi=${UNEMPLOYMENT}&period=day`);
    expect(day.status).toBe(200);
    expect(day.json).toEqual({
      period: 'day',
      truncated: false,
      aggregates: [
        {
          city: 'CNSHA',
          kpi: UNEMPLOYMENT,
          series: 0,
          start: T0,
          count: 5,
          min: 10,
          max: 50,
          mean: 30,
          p50: 30,
          p95: 48,
        },
      ],
    });
    const hour = await get(api, `/v1/aggregates?kpi=${UNEMPLOYMENT}&period=hour`);
    expect(
      hour.json.aggregates.map((a: { city: string; start: number; count: number }) => [
        a.city,
        (a.start - T0) / HOUR,
        a.count,
      ]),
    ).toEqual([
      ['CNBJS', 1, 1],
      ['CNSHA', 0, 1],
      ['CNSHA', 1, 1],
      ['CNSHA', 2, 1],
      ['CNSHA', 3, 1],
      ['CNSHA', 4, 1],
    ]);
    const month = await get(
      api,
      `/v1/aggregates?city=CNSHA&kpi=${ELECTRICITY}&period=month&from=${T0 + HOUR}`,
    );
    expect(month.json.aggregates).toEqual([
      {
        city: 'CNSHA',
        kpi: ELECTRICITY,
        series: 0,
        start: T0,
        count: 4,
        min: 91,
        max: 94,
        mean: 92.5,
        p50: 92.5,
        p95: 93.85,
      },
    ]);
  });
});

describe('GET /v1/latest', () => {
  it('gives the latest value of each KPI series of the city', async () => {
    const r = await get(api, '/v1/latest?city=CNSHA');
    expect(r.status).toBe(200);
    expect(r.json.city).toBe('CNSHA');
    expect(
      r.json.values.map((v: { kpi: number; value: number; time: number }) => [v.kpi, v.value, v.time]),
    ).toEqual([
      [UNEMPLOYMENT, 50, T0 + 4 * HOUR],
      [ELECTRICITY, 94, T0 + 4 * HOUR],
    ]);
    expect((await get(api, '/v1/latest?city=NOWHERE')).json.values).toEqual([]);
  });
});

describe('GET /v1/assessment', () => {
  it("runs the platform's assessment over the range", async () => {
    const r = await get(api, `/v1/assessment?from=${T0}&to=${T0 + 5 * HOUR}`);
    expect(r.status).toBe(200);
    expect(r.json.from).toBe(T0);
    expect(r.json.to).toBe(T0 + 5 * HOUR);
    expect(r.json.periods).toBe(5);
    expect(r.json.overall.received).toBe(11);
    expect(r.json.bySite['10.0.0.1'].received).toBe(10);
    expect(r.json.bySite['10.0.0.2'].received).toBe(1);
    expect(r.json.byCity.CNBJS.gaps).toBe(4);
  });

  it('with city and kpi, assesses only the matching series, and its roll-ups only over them', async () => {
    const range = `from=${T0}&to=${T0 + 5 * HOUR}`;
    const all = await get(api, `/v1/assessment?${range}`);
    const key = (s: { site: string; kpi: number }) => `${s.site}/${s.kpi}`;
    expect(all.json.series.map(key)).toEqual([
      `10.0.0.1/${UNEMPLOYMENT}`,
      `10.0.0.1/${ELECTRICITY}`,
      `10.0.0.2/${UNEMPLOYMENT}`,
    ]);
    const one = await get(api, `/v1/assessment?city=CNSHA&kpi=${UNEMPLOYMENT}&${range}`);
    expect(one.status).toBe(200);
    // The same figures the full report gives that series, over the same periods.
    expect(one.json.series).toEqual([all.json.series[0]]);
    expect(one.json.periods).toBe(5);
    expect(one.json.overall.received).toBe(5);
    expect(Object.keys(one.json.byCity)).toEqual(['CNSHA']);
    expect(Object.keys(one.json.byKpi)).toEqual([String(UNEMPLOYMENT)]);
    const byKpi = await get(api, `/v1/assessment?kpi=${UNEMPLOYMENT}&${range}`);
    expect(byKpi.json.series.map(key)).toEqual([`10.0.0.1/${UNEMPLOYMENT}`, `10.0.0.2/${UNEMPLOYMENT}`]);
    const byCity = await get(api, `/v1/assessment?city=CNBJS&${range}`);
    expect(byCity.json.series.map(key)).toEqual([`10.0.0.2/${UNEMPLOYMENT}`]);
    expect(byCity.json.overall.received).toBe(1);
  });

  it('a filter nothing matches is an empty assessment, not an error', async () => {
    for (const q of [`city=DEBER`, `kpi=999`, `city=CNBJS&kpi=${ELECTRICITY}`]) {
      const r = await get(api, `/v1/assessment?${q}&from=${T0}&to=${T0 + 5 * HOUR}`);
      expect(r.status).toBe(200);
      expect(r.json.series).toEqual([]);
      expect(r.json.overall).toMatchObject({ expected: 0, received: 0, failed: 0 });
      expect(r.json.bySite).toEqual({});
    }
  });
});

describe('GET /v1/trace/{tracingCode}', () => {
  it('gives the stored packet with its evidence', async () => {
    const tc = tracingCode(SEED[2]!);
    const r = await get(api, `/v1/trace/${tc.toUpperCase()}`);
    expect(r.status).toBe(200);
    expect(r.json.tracingCode).toBe(tc);
    expect(r.json.meta).toMatchObject({
      height: 3,
      index: 0,
      city: { scheme: 0, code: 'CNSHA' },
      siteId: SITE_A,
    });
    expect(r.json.outcome.ok).toBe(true);
    expect(r.json.outcome.record.entries.map((e: { value: number }) => e.value)).toEqual([30, 92]);
    expect(r.json.evidence).toEqual({ tracingCode: tc, verified: true });
    expect(traced).toContain(tc);
  });

  it('is 404 for an unknown code and 400 for one that is not hex', async () => {
    expect((await get(api, `/v1/trace/${'b'.repeat(64)}`)).status).toBe(404);
    const bad = await get(api, '/v1/trace/xyz');
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('tracingCode');
  });
});

describe('GET /v1/values.csv', () => {
  it('streams the same rows as CSV with a header', async () => {
    const r = await get(api, `/v1/values.csv?city=CNSHA&kpi=${UNEMPLOYMENT}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/csv/);
    const rows = parseCsv(r.text);
    expect(rows[0]).toEqual(
      'time,city,country,site,site_id,kpi,series,value,unit,flags,tracing_code,height,index,entry'.split(','),
    );
    expect(rows.slice(1).map((x) => [x[0], x[1], x[3], x[7]])).toEqual(
      [10, 20, 30, 40, 50].map((v, h) => [
        new Date(T0 + h * HOUR).toISOString(),
        'CNSHA',
        '10.0.0.1',
        String(v),
      ]),
    );
    const capped = parseCsv((await get(api, '/v1/values.csv?limit=3')).text);
    expect(capped).toHaveLength(4);
  });
});

describe('refused requests', () => {
  it.each([
    ['/v1/values?kpi=abc', 'kpi'],
    ['/v1/values?limit=1001', 'limit'],
    ['/v1/values?limit=0', 'limit'],
    ['/v1/values?cursor=!!', 'cursor'],
    ['/v1/values?from=yesterday', 'from'],
    [`/v1/values?from=${T0 + HOUR}&to=${T0}`, 'to'],
    ['/v1/values?site=not-a-site', 'site'],
    ['/v1/values?city=a%20b', 'city'],
    ['/v1/values?cty=CNSHA', 'cty'],
    ['/v1/values?kpi=1&kpi=2', 'kpi'],
    ['/v1/aggregates?city=CNSHA', 'period'],
    ['/v1/aggregates?period=week', 'period'],
    ['/v1/latest', 'city'],
    ['/v1/assessment?to=x', 'to'],
    ['/v1/assessment?kpi=one', 'kpi'],
    ['/v1/assessment?kpi=-1', 'kpi'],
    ['/v1/assessment?city=CN%20SHA', 'city'],
    ['/v1/assessment?city=CNSHA&city=CNBJS', 'city'],
    ['/v1/assessment?site=10.0.0.1', 'site'],
    ['/v1/values.csv?limit=100001', 'limit'],
  ])('%s is 400 naming %s', async (path, field) => {
    const r = await get(api, path);
    expect(r.status).toBe(400);
    expect(r.json.field).toBe(field);
    expect(typeof r.json.error).toBe('string');
  });

  it('unknown paths are 404, other methods 405, long URLs 414', async () => {
    expect((await get(api, '/v1/nothing')).status).toBe(404);
    expect((await get(api, '/')).status).toBe(404);
    expect((await get(api, '/v1/values', { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await get(api, `/v1/values?city=${'A'.repeat(3000)}`)).status).toBe(414);
  });
});

describe('read tokens', () => {
  it('refuses to listen off loopback without a token', async () => {
    await expect(startApi({ listen: '0.0.0.0:0' }, storeDeps(store))).rejects.toMatchObject({
      code: PlatformErrorCode.BadConfig,
    });
    await expect(
      startApi({ listen: 'example.org:7080', tokens: [] }, storeDeps(store)),
    ).rejects.toMatchObject({
      code: PlatformErrorCode.BadConfig,
    });
  });

  it('with tokens, answers only requests bearing one of them', async () => {
    const guarded = await startApi(
      { listen: '127.0.0.1:0', tokens: ['reader-token-one', 'reader-token-two'] },
      storeDeps(store),
    );
    try {
      const path = '/v1/latest?city=CNSHA';
      expect((await get(guarded, path)).status).toBe(401);
      expect((await get(guarded, path, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect(
        (await get(guarded, path, { headers: { authorization: 'Basic reader-token-one' } })).status,
      ).toBe(401);
      const ok = await get(guarded, path, { headers: { authorization: 'Bearer reader-token-two' } });
      expect(ok.status).toBe(200);
      expect(ok.json.values).toHaveLength(2);
    } finally {
      await guarded.close();
    }
  });
});
