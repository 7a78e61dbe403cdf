// The checks of the Logs and KPI pages' queries before anything reaches a node or the platform,
// the tail search of log windows, the KPI sites from the registry, and the page's chart helpers
// (sample history, sparkline points, KPI columns).
import { describe, expect, it } from 'vitest';
import { kpiSites, valuesQuery } from '../../../console/kpi-data.js';
import { logQuery, tailWindows } from '../../../console/logs.js';
import { addSample, kpiColumns, type NodeSamplePoint, sparkPoints } from '../../../console/web/series.js';
import { CATALOGUE } from '../../../kpi/catalogue.js';

const qs = (s: string): URLSearchParams => new URLSearchParams(s);
const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('log query', () => {
  it('turns the filter into the node query with an ISO lower bound', () => {
    expect(
      logQuery(qs('level=warn&type=audit&module=p2p&text=peer.*up&sinceMs=60000&limit=50'), NOW),
    ).toEqual({
      types: ['audit'],
      level: 'warn',
      module: 'p2p',
      grep: 'peer.*up',
      from: '2026-01-01T11:59:00.000Z',
      limit: 50,
    });
  });

  it('refuses what the node would not take, naming the field', () => {
    expect(() => logQuery(qs('level=loud'), NOW)).toThrow(/level/);
    expect(() => logQuery(qs('type=secrets'), NOW)).toThrow(/type/);
    expect(() => logQuery(qs('text=('), NOW)).toThrow(/regular expression/);
    expect(() => logQuery(qs(`text=${'a'.repeat(257)}`), NOW)).toThrow(/256/);
    expect(() => logQuery(qs('limit=501'), NOW)).toThrow(/limit/);
    expect(() => logQuery(qs('module=a b'), NOW)).toThrow(/module/);
  });

  it('widens the window from the newest minute up to the one asked for', () => {
    expect(tailWindows(900_000)).toEqual([60_000, 300_000, 900_000]);
    expect(tailWindows(30_000)).toEqual([30_000]);
  });
});

describe('KPI data query', () => {
  it('checks city, KPI, site and window', () => {
    expect(valuesQuery(qs('city=CNSHA&kpi=12&sinceMs=1000'), NOW)).toEqual({
      city: 'CNSHA',
      kpi: 12,
      from: NOW - 1000,
    });
    expect(valuesQuery(qs(`city=CNSHA&kpi=1&site=${'0a'.repeat(16)}`), NOW).site).toBe('0a'.repeat(16));
    expect(() => valuesQuery(qs('city=CN SHA&kpi=1'), NOW)).toThrow(/city/);
    expect(() => valuesQuery(qs('city=CNSHA&kpi=70000'), NOW)).toThrow(/kpi/);
    expect(() => valuesQuery(qs('city=CNSHA&kpi=1&site=10.0.0.1'), NOW)).toThrow(/site/);
    expect(() => valuesQuery(qs('city=CNSHA&kpi=1&sinceMs=0'), NOW)).toThrow(/sinceMs/);
  });

  it('names the sites and KPIs of the registry', () => {
    const def = CATALOGUE[0];
    if (def === undefined) throw new Error('empty catalogue');
    const siteId = `${'00'.repeat(10)}ffff0a000001`;
    const record = {
      publicKey: '11'.repeat(32),
      country: 156,
      city: { scheme: 1, code: 'CNSHA' },
      siteId,
      kpiCodes: [def.wire],
      status: 1,
    };
    const [s] = kpiSites([
      { key: `site/${'22'.repeat(16)}`, value: new TextEncoder().encode(JSON.stringify(record)) },
    ]);
    expect(s).toMatchObject({ keyId: '22'.repeat(16), city: 'CNSHA', address: '10.0.0.1', status: 'active' });
    expect(s?.kpis[0]).toMatchObject({ wire: def.wire, code: def.code, name: def.name });
  });
});

describe('page chart helpers', () => {
  const sample = (time: number, hostCpu: number): NodeSamplePoint => ({
    time,
    hostCpu,
    processCpu: 0,
    rssBytes: 0,
    dataBytes: 0,
    diskFreeBytes: 0,
  });

  it('keeps each node’s newest samples once each, bounded', () => {
    const m = new Map<string, NodeSamplePoint[]>();
    for (const t of [1, 2, 2, 3, 1, 4]) addSample(m, 'n', sample(t, t / 10), 3);
    addSample(m, 'n', undefined, 3);
    expect(m.get('n')?.map((x) => x.time)).toEqual([2, 3, 4]);
  });

  it('draws a sparkline over the values’ range, a flat one in the middle', () => {
    expect(sparkPoints([0, 5, 10], 10, 10, 0)).toBe('0.0,10.0 5.0,5.0 10.0,0.0');
    expect(sparkPoints([3, 3], 10, 10, 0)).toBe('0.0,5.0 10.0,5.0');
    expect(sparkPoints([1], 10, 10)).toBe('');
  });

  it('aligns KPI values on shared times, one column per site and series', () => {
    const { labels, data } = kpiColumns([
      { time: 2000, value: 5, series: 0, site: 'b' },
      { time: 1000, value: 1, series: 0, site: 'a' },
      { time: 2000, value: 2, series: 0, site: 'a' },
    ]);
    expect(labels).toEqual(['a · series 0', 'b · series 0']);
    expect(data).toEqual([
      [1, 2],
      [1, 2],
      [null, 5],
    ]);
  });
});
