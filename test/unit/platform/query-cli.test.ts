// `bkdms platform query …` against an in-process query API over a seeded store: the commands'
// JSON is the API's answer, tables name KPIs, refusals name the field, the read token is sent,
// and `values --csv` (in a real process: build first) writes the API's CSV to stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformStore } from '../../../platform/store.js';
import { bkdms } from '../../support/bkdms-cli.js';
import { runCli } from '../cli/program.js';
import { type ApiServer, get, parseCsv, startApi, storeDeps } from './api-helpers.js';
import { HOUR, seed, T0, UNEMPLOYMENT } from './api-seed.js';
import { WARM_UP } from './sql-fakes.js';

let store: PlatformStore;
let api: ApiServer;
let guarded: ApiServer;
let dir: string;

beforeAll(async () => {
  await WARM_UP[0]();
  store = PlatformStore.memory();
  await seed(store);
  api = await startApi({ listen: '127.0.0.1:0' }, storeDeps(store));
  guarded = await startApi({ listen: '127.0.0.1:0', tokens: ['cli-reader-token-0001'] }, storeDeps(store));
  dir = mkdtempSync(join(tmpdir(), 'bkdms-query-'));
}, WARM_UP[1]);

afterAll(async () => {
  await api?.close();
  await guarded?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const q = (...args: string[]) => runCli(['platform', 'query', ...args, '--api', api.url]);

describe('bkdms platform query', () => {
  it('values --json is the API page; the table names the KPI', async () => {
    const json = JSON.parse(
      await q('values', '--city', 'CNSHA', '--kpi', String(UNEMPLOYMENT), '--limit', '2', '--json'),
    );
    expect(json).toEqual((await get(api, `/v1/values?city=CNSHA&kpi=${UNEMPLOYMENT}&limit=2`)).json);
    expect(json.values.map((v: { value: number }) => v.value)).toEqual([10, 20]);
    const text = await q('values', '--city', 'CNSHA', '--kpi', String(UNEMPLOYMENT), '--limit', '2');
    expect(text).toContain(`${new Date(T0).toISOString()}  CNSHA  10.0.0.1`);
    expect(text).toContain(`more: --cursor ${json.next}`);
  });

  it('aggregates, latest and assessment print the API answers', async () => {
    const agg = JSON.parse(
      await q('aggregates', '--city', 'CNSHA', '--kpi', String(UNEMPLOYMENT), '--period', 'day', '--json'),
    );
    expect(agg.aggregates[0]).toMatchObject({ count: 5, min: 10, max: 50, p50: 30, p95: 48 });
    expect(
      await q('aggregates', '--city', 'CNSHA', '--kpi', String(UNEMPLOYMENT), '--period', 'day'),
    ).toMatch(/2026-01-01T00:00:00.000Z\s+CNSHA\s+KPI 1\s+0\s+5\s+10\s+50\s+30\s+30\s+48/);
    const latest = JSON.parse(await q('latest', '--city', 'CNSHA', '--json'));
    expect(latest.values.map((v: { value: number }) => v.value)).toEqual([50, 94]);
    const report = JSON.parse(
      await q('assessment', '--from', new Date(T0).toISOString(), '--to', String(T0 + 5 * HOUR), '--json'),
    );
    expect(report).toMatchObject({ from: T0, to: T0 + 5 * HOUR, periods: 5, overall: { received: 11 } });
    expect(await q('assessment', '--from', String(T0), '--to', String(T0 + 5 * HOUR))).toMatch(/^quality /);
    const one = JSON.parse(
      await q('assessment', '--city', 'CNBJS', '--kpi', String(UNEMPLOYMENT), '--from', String(T0), '--json'),
    );
    expect(one.series.map((s: { site: string }) => s.site)).toEqual(['10.0.0.2']);
  });

  it('a refused parameter fails the command naming the field', async () => {
    await expect(q('aggregates', '--period', 'week')).rejects.toThrow(
      'query API 400: period: period must be hour, day or month',
    );
    await expect(q('values', '--kpi', 'no such kpi')).rejects.toThrow(/--kpi no such kpi: no such KPI/);
  });

  it('sends the read token from --token-file or BKDMS_API_TOKEN', async () => {
    const args = ['platform', 'query', 'latest', '--city', 'CNSHA', '--json', '--api', guarded.url];
    await expect(runCli(args)).rejects.toThrow(/query API 401/);
    const file = join(dir, 'token');
    writeFileSync(file, 'cli-reader-token-0001\n', { mode: 0o600 });
    expect(JSON.parse(await runCli([...args, '--token-file', file])).values).toHaveLength(2);
    process.env.BKDMS_API_TOKEN = 'cli-reader-token-0001';
    try {
      expect(JSON.parse(await runCli(args)).values).toHaveLength(2);
    } finally {
      delete process.env.BKDMS_API_TOKEN;
    }
  });

  it('platform assess checks --from and --to before opening anything', async () => {
    const assess = (...a: string[]) =>
      runCli(['platform', 'assess', '--config', join(dir, 'none.json'), ...a]);
    await expect(assess('--from', 'monday')).rejects.toThrow('--from must be UTC ms or an ISO 8601 time');
    await expect(assess('--from', String(T0 + HOUR), '--to', String(T0))).rejects.toThrow(
      '--to must be after --from',
    );
    await expect(assess('--from', String(T0), '--to', '2026-01-02')).rejects.toThrow(/none\.json/);
  });

  it('values --csv writes the CSV export (real process)', async () => {
    const r = await bkdms(['platform', 'query', 'values', '--csv', '--city', 'CNBJS', '--api', api.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.slice(1, 8)).toEqual([
      'CNBJS',
      '156',
      '10.0.0.2',
      '00000000000000000000ffff0a000002',
      '1',
      '0',
      '7',
    ]);
  }, 60_000);
});
