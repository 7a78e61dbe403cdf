// The shipped Grafana dashboard (deploy/grafana/kpi-dashboard.json) against the platform schema:
// every panel's and variable's SQL, with Grafana's macros and the dashboard's variables expanded the
// way Grafana expands them, runs on both back ends over a seeded store, and its answers are the
// ones worked out by hand from the seed (api-seed.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDb, SqlRow } from '../../../platform/sql-db.js';
import { PlatformStore } from '../../../platform/store.js';
import { HOUR, SEED, SITE_A, SITE_B, seed, T0 } from './api-seed.js';
import { backends } from './store-backends.js';

interface Target {
  rawSql: string;
}
interface Dashboard {
  panels: { title: string; targets: Target[] }[];
  templating: { list: { name: string; type: string; query: string }[] };
}

const dashboard = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../deploy/grafana/kpi-dashboard.json'), 'utf8'),
) as Dashboard;

/** The dashboard's time range: the seed's first ten hours. Grafana's epoch macros are in seconds. */
const FROM_S = T0 / 1000;
const TO_S = (T0 + 10 * HOUR) / 1000;

/** Expands what Grafana expands; anything left starting with `$` is a macro this test does not know. */
function expand(sql: string): string {
  const out = sql
    .replaceAll('$__unixEpochFrom()', String(FROM_S))
    .replaceAll('$__unixEpochTo()', String(TO_S))
    .replaceAll('$city', "'CNSHA','CNBJS'")
    .replaceAll('$kpi', '1')
    .replaceAll('$period', String(HOUR));
  expect(out, `unexpanded macro in: ${sql}`).not.toMatch(/\$/);
  return out;
}

function panelSql(title: string): string {
  const panel = dashboard.panels.find((p) => p.title === title);
  if (panel === undefined) throw new Error(`no panel "${title}"`);
  return expand((panel.targets[0] as Target).rawSql);
}

/** A packet whose envelope failed to open: it has a packet row and a failure, no outcome. */
const FAILED = { height: 6, time: T0 + 5 * HOUR };

describe.each(backends())('Grafana dashboard SQL on $name', (backend) => {
  let db: SqlDb;
  let store: PlatformStore;
  const run = (sql: string): Promise<SqlRow[]> => db.query(sql);

  beforeAll(async () => {
    await backend.setUp();
    db = await backend.db();
    store = await PlatformStore.opened(db);
    await seed(store);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO packets (height, idx, tracing_code, block_time, envelope_time, seq, site_key_id,
           country, city_scheme, city, site_id, kpi_codes) VALUES ($1,0,$2,$3,$4,2,'k',156,0,'CNSHA',$5,$6)`,
        [FAILED.height, 'f'.repeat(64), FAILED.time + 5000, FAILED.time + 1000, SITE_A, [1]],
      );
      await tx.query(
        `INSERT INTO packet_failures (height, idx, reason, detail) VALUES ($1,0,'bad-signature','x')`,
        [FAILED.height],
      );
      await tx.query(
        `INSERT INTO extract_cursor (id, height, block_hash, chain_offset, state_root) VALUES (1, $1, 'h', 0, 'r')
         ON CONFLICT (id) DO UPDATE SET height = EXCLUDED.height`,
        [FAILED.height],
      );
    });
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await backend.tearDown();
  }, 60_000);

  it('every panel and variable query runs', async () => {
    const sqls = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.rawSql)),
      ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.query),
    ];
    expect(sqls.length).toBeGreaterThanOrEqual(8);
    for (const sql of sqls) expect((await run(expand(sql))).length, sql).toBeGreaterThan(0);
  });

  it('the variables list the seeded cities and KPI codes', async () => {
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v.query]));
    expect((await run(expand(vars.city as string))).map((r) => r.city)).toEqual(['CNBJS', 'CNSHA']);
    expect((await run(expand(vars.kpi as string))).map((r) => Number(r.kpi_code))).toEqual([1, 2]);
  });

  it('KPI values: every value of the KPI in both cities, timestamped at the reading', async () => {
    const rows = await run(panelSql('KPI values per city'));
    const expected = SEED.flatMap((p) => p.entries.filter((e) => e.kpi === 1).map((e) => [p.time, e.value]));
    const got = rows.map((r) => [new Date(r.time as string | Date).getTime(), Number(r.value)]);
    expect(
      got.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)),
    ).toEqual(
      expected.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)),
    );
  });

  it('completeness: hours with a reading over the hours in range, per site', async () => {
    const rows = await run(panelSql('Completeness per site'));
    expect(rows.map((r) => [r.site, Number(r.completeness)])).toEqual([
      [SITE_A, 0.5],
      [SITE_B, 0.1],
    ]);
  });

  it('timeliness: reading to commit, 5 s for every seeded packet', async () => {
    const rows = await run(panelSql('Timeliness per site (reading -> commit)'));
    expect(
      rows.map((r) => [r.site, Number(r.packets), Number(r.mean_seconds), Number(r.p95_seconds)]),
    ).toEqual([
      [SITE_A, 5, 5, 5],
      [SITE_B, 1, 5, 5],
    ]);
  });

  it('extraction lag: the cursor height and the age of the newest block it covers', async () => {
    const before = Date.now();
    const [row] = await run(panelSql('Extraction lag'));
    expect(Number(row?.extracted_height)).toBe(FAILED.height);
    const ageS = Number(row?.seconds_since_newest_block);
    expect(ageS).toBeGreaterThanOrEqual((before - (FAILED.time + 5000)) / 1000 - 1);
    expect(ageS).toBeLessThanOrEqual((Date.now() - (FAILED.time + 5000)) / 1000 + 1);
  });

  it('packets per minute and failures by reason', async () => {
    const perMinute = await run(panelSql('Packets extracted per minute'));
    // Seven packets at six block times (two at hour 1).
    expect(perMinute.map((r) => Number(r.packets))).toEqual([1, 2, 1, 1, 1, 1]);
    const failures = await run(panelSql('Packets that failed to open'));
    expect(failures.map((r) => [r.reason, Number(r.packets), Number(r.last_block_time_ms)])).toEqual([
      ['bad-signature', 1, FAILED.time + 5000],
    ]);
  });
});
