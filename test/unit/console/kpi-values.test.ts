// The KPI page's values from a platform's query API (a stand-in HTTP server here): the query the
// console forwards, the page trimmed to what the chart draws, "truncated" when the platform has a
// next page, the quality table's assessment asked for the charted city and KPI only, and the
// platform's refusal relayed with the field it names.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchQuality, fetchValues } from '../../../console/kpi-data.js';

const metrics = {
  expected: 10,
  received: 8,
  completeness: 0.8,
  gaps: 1,
  duplicates: 0,
  invalid: 1,
  outliers: 1,
  failed: 0,
  latency: { medianMs: 900, p95Ms: 1200, maxMs: 1500 },
  commitLatency: null,
  gapRuns: [],
};
const assessment = {
  from: 500,
  to: 9000,
  periodMs: 1000,
  series: [
    {
      ...metrics,
      site: '10.0.0.1',
      city: 'CNSHA',
      kpi: 12,
      series: 0,
      outlierCodes: ['aa'],
      invalidCodes: ['bb'],
    },
    { ...metrics, site: '10.0.0.2', city: 'CNSHA', kpi: 12, series: 1, outlierCodes: [], invalidCodes: [] },
    { ...metrics, site: '10.0.0.1', city: 'CNSHA', kpi: 13, series: 0, outlierCodes: [], invalidCodes: [] },
    { ...metrics, site: '10.0.0.1', city: 'CHGVA', kpi: 12, series: 0, outlierCodes: [], invalidCodes: [] },
  ],
};

let server: Server;
let base: string;
const asked: URL[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://platform');
    asked.push(u);
    res.setHeader('content-type', 'application/json');
    if (u.searchParams.get('city') === 'BAD') {
      res.statusCode = 400;
      return void res.end(JSON.stringify({ error: 'no such city', field: 'city' }));
    }
    if (u.pathname === '/v1/assessment') {
      // As the platform does: only the series of the city and KPI asked for.
      const kpi = Number(u.searchParams.get('kpi'));
      const series = assessment.series.filter((s) => s.city === u.searchParams.get('city') && s.kpi === kpi);
      return void res.end(JSON.stringify({ ...assessment, series }));
    }
    const value = {
      city: 'CNSHA',
      site: '10.0.0.1',
      kpi: 12,
      series: 0,
      time: 1000,
      value: 3.5,
      unit: 'kWh',
      flags: 0,
    };
    res.end(JSON.stringify({ values: [value], next: u.searchParams.get('site') ? null : 'cursor' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('KPI values from the platform', () => {
  it('forwards the checked query and trims the answer to the chart', async () => {
    const r = await fetchValues(base, { city: 'CNSHA', kpi: 12, from: 500 });
    const u = asked.at(-1) as URL;
    expect(u.pathname).toBe('/v1/values');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      city: 'CNSHA',
      kpi: '12',
      from: '500',
      limit: '1000',
    });
    expect(r).toEqual({
      values: [{ time: 1000, value: 3.5, series: 0, site: '10.0.0.1', unit: 'kWh' }],
      truncated: true,
    });
    const one = await fetchValues(base, { city: 'CNSHA', kpi: 12, site: 'ab'.repeat(16), from: 500 });
    expect(asked.at(-1)?.searchParams.get('site')).toBe('ab'.repeat(16));
    expect(one.truncated).toBe(false);
  });

  it('relays the platform refusing a parameter', async () => {
    await expect(fetchValues(base, { city: 'BAD', kpi: 1, from: 0 })).rejects.toThrow(
      /400: city: no such city/,
    );
  });

  it('asks the platform to assess only the charted city and KPI, and narrows to the site', async () => {
    const all = await fetchQuality(base, { city: 'CNSHA', kpi: 12, from: 500 }, 9000);
    const u = asked.at(-1) as URL;
    expect(u.pathname).toBe('/v1/assessment');
    expect(Object.fromEntries(u.searchParams)).toEqual({ city: 'CNSHA', kpi: '12', from: '500', to: '9000' });
    expect(all.rows.map((r) => [r.site, r.series])).toEqual([
      ['10.0.0.1', 0],
      ['10.0.0.2', 1],
    ]);
    expect(all.rows[0]).toMatchObject({ completeness: 0.8, latencyMs: 900, codes: ['aa', 'bb'] });
    expect(all.periodMs).toBe(1000);
    const one = await fetchQuality(base, { city: 'CNSHA', kpi: 12, from: 500 }, 9000, '10.0.0.2');
    expect(one.rows.map((r) => r.site)).toEqual(['10.0.0.2']);
    const other = await fetchQuality(base, { city: 'CNSHA', kpi: 13, from: 500 }, 9000);
    expect(asked.at(-1)?.searchParams.get('kpi')).toBe('13');
    expect(other.rows.map((r) => [r.site, r.series])).toEqual([['10.0.0.1', 0]]);
  });

  it('relays the platform refusing an assessment parameter, with the field it names', async () => {
    await expect(fetchQuality(base, { city: 'BAD', kpi: 12, from: 500 }, 9000)).rejects.toThrow(
      /400: city: no such city/,
    );
  });
});
