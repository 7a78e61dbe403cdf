// Query latency of the platform's API SQL on a large table: 10^6 KPI values (10^5 with --ci) in a
// throw-away PostgreSQL server, then the query API's own statements (platform/api/queries.ts) for
// random city + KPI + one-day ranges: p50/p99 of a values page and of a daily aggregate. The goal
// (docs/platform.md, "Cost and checks") is p99 <= 50 ms for a city+KPI+day range on the server back
// end; it is reported, not guarded: an absolute time on a shared machine measures the load.
// Needs the PostgreSQL server binaries (.ci/ensure-postgres.sh); without them it says so and skips.
import { pgBinDir, startPgServer } from '../devnet/pg-server.js';
import { aggregates, valuesPage } from '../platform/api/queries.js';
import { migrate } from '../platform/sql-migrate.js';
import { PostgresDb } from '../platform/sql-postgres.js';
import type { BenchOptions } from '../testkit/bench-report.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const CITIES = 10;
const KPIS = 20;
/** One reading per site and KPI every 15 minutes, two sites per city. */
const STEP_MS = 15 * 60_000;
const SITES_PER_CITY = 2;

export interface QueryLatency {
  values: number;
  queries: number;
  loadMs: number;
  valuesPageP50Ms: number;
  valuesPageP99Ms: number;
  dayAggregateP50Ms: number;
  dayAggregateP99Ms: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

/** Deterministic pseudo-random sequence (the same queries every run). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/**
 * Fills kpi_values with `total` rows spread over cities, sites and KPI codes, in one statement
 * (generate_series), then ANALYZE: what a platform that followed the chain for weeks holds.
 */
async function fill(db: PostgresDb, total: number): Promise<number> {
  const perSeries = Math.ceil(total / (CITIES * SITES_PER_CITY * KPIS));
  const start = performance.now();
  await db.query(
    `INSERT INTO kpi_values (height, idx, entry, tracing_code, country, city_scheme, city, site_id,
       kpi_code, series, time, value, unit, flags)
     SELECT 1 + n / 1000, (n % 1000) / ${KPIS}, n % ${KPIS}, md5(n::text) || md5((n + 1)::text), 156, 0,
       'C' || lpad(((n / ${KPIS}) % ${CITIES})::text, 3, '0'),
       lpad(((n / ${KPIS * CITIES}) % ${SITES_PER_CITY})::text, 32, '0'),
       12201 + n % ${KPIS}, 0,
       ${T0}::bigint + (n / ${KPIS * CITIES * SITES_PER_CITY})::bigint * ${STEP_MS},
       (n % 97) / 7.0, '%', 0
     FROM generate_series(0, $1::bigint - 1) AS n`,
    [perSeries * CITIES * SITES_PER_CITY * KPIS],
  );
  await db.query('ANALYZE kpi_values');
  return performance.now() - start;
}

export async function runQueryBench(opts: BenchOptions): Promise<QueryLatency | undefined> {
  try {
    pgBinDir();
  } catch (err) {
    process.stdout.write(`  platform query › skipped: ${(err as Error).message}\n`);
    return undefined;
  }
  const total = opts.ci ? 100_000 : 1_000_000;
  const queries = opts.ci ? 200 : 1000;
  const server = await startPgServer();
  const db = await PostgresDb.open(server.url);
  try {
    await migrate(db);
    const loadMs = await fill(db, total);
    const days = Math.max(1, Math.floor((total / (CITIES * SITES_PER_CITY * KPIS)) * (STEP_MS / DAY)));
    const rnd = lcg(7);
    const pick = () => {
      const from = T0 + Math.floor(rnd() * days) * DAY;
      return {
        city: `C${String(Math.floor(rnd() * CITIES)).padStart(3, '0')}`,
        kpi: 12201 + Math.floor(rnd() * KPIS),
        from,
        to: from + DAY,
      };
    };
    const page: number[] = [];
    const agg: number[] = [];
    let rows = 0;
    for (let i = 0; i < queries; i++) {
      const f = pick();
      let t = performance.now();
      rows += (await valuesPage(db, f, 500)).values.length;
      page.push(performance.now() - t);
      t = performance.now();
      await aggregates(db, f, 'day');
      agg.push(performance.now() - t);
    }
    // Each day of a city and KPI holds SITES_PER_CITY x 96 readings: a query that found nothing
    // would measure an empty index scan, not the API.
    if (rows === 0) throw new Error('platform query bench: the queries matched no rows');
    const r: QueryLatency = {
      values: total,
      queries,
      loadMs: Math.round(loadMs),
      valuesPageP50Ms: percentile(page, 50),
      valuesPageP99Ms: percentile(page, 99),
      dayAggregateP50Ms: percentile(agg, 50),
      dayAggregateP99Ms: percentile(agg, 99),
    };
    process.stdout.write(
      `  platform query › ${total} values on a PostgreSQL server, ${queries} city+KPI+day queries: ` +
        `values page p50 ${r.valuesPageP50Ms.toFixed(2)} ms p99 ${r.valuesPageP99Ms.toFixed(2)} ms, ` +
        `day aggregate p50 ${r.dayAggregateP50Ms.toFixed(2)} ms p99 ${r.dayAggregateP99Ms.toFixed(2)} ms ` +
        `(goal p99 <= 50 ms; load ${(loadMs / 1000).toFixed(1)} s)\n`,
    );
    return r;
  } finally {
    await db.close();
    await server.stop();
  }
}
