// The KPI page's values from a platform's query API (a stand-in HTTP server here): the query the
// console forwards, the page trimmed to what the chart draws, "truncated" when the platform has a
// next page, and the platform's refusal relayed with the field it names.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchValues } from '../../../console/kpi-data.js';

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
});
