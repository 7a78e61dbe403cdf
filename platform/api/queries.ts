// The SQL behind the query API, over the platform database's kpi_values (platform/sql-schema.ts).
// Every statement is bounded by a LIMIT and written for both PostgreSQL 15 and PGlite. Values are
// paged by keyset on (time, height, idx, entry), so a page never skips or repeats a row however
// many blocks are written between two requests.
import { formatSiteId } from '../../kpi/site-id.js';
import { unhex } from '../hex.js';
import { num, type SqlRow, type SqlRunner } from '../sql-db.js';
import type { Cursor, Period, TimeRange } from './params.js';

export interface ValueFilter extends TimeRange {
  city?: string;
  site?: string;
  kpi?: number;
}

/** One stored KPI value as the API returns it. */
export interface ApiValue {
  city: string;
  country: number;
  site: string;
  siteId: string;
  kpi: number;
  series: number;
  /** Collection time, UTC ms. */
  time: number;
  value: number;
  unit: string;
  flags: number;
  tracingCode: string;
  height: number;
  index: number;
  entry: number;
}

const COLUMNS = `city, country, site_id, kpi_code, series, time, value, unit, flags, tracing_code,
  height, idx, entry`;

function siteLabel(hex: string): string {
  try {
    return formatSiteId(unhex(hex, 16));
  } catch {
    return hex;
  }
}

export function apiValue(r: SqlRow): ApiValue {
  const siteId = String(r.site_id);
  return {
    city: String(r.city),
    country: num(r.country),
    site: siteLabel(siteId),
    siteId,
    kpi: num(r.kpi_code),
    series: num(r.series),
    time: num(r.time),
    value: num(r.value),
    unit: String(r.unit),
    flags: num(r.flags),
    tracingCode: String(r.tracing_code),
    height: num(r.height),
    index: num(r.idx),
    entry: num(r.entry),
  };
}

/** WHERE clause and parameters of a value filter; `params` is extended in place. */
function where(f: ValueFilter, params: unknown[]): string {
  const c: string[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    c.push(sql.replace('?', `$${params.length}`));
  };
  if (f.city !== undefined) add('city = ?', f.city);
  if (f.site !== undefined) add('site_id = ?', f.site);
  if (f.kpi !== undefined) add('kpi_code = ?', f.kpi);
  if (f.from !== undefined) add('time >= ?', f.from);
  if (f.to !== undefined) add('time < ?', f.to);
  return c.length === 0 ? 'TRUE' : c.join(' AND ');
}

/** One page of values in (time, height, index, entry) order after `after`; `next` when more remain. */
export async function valuesPage(
  db: SqlRunner,
  f: ValueFilter,
  limit: number,
  after?: Cursor,
): Promise<{ values: ApiValue[]; next?: Cursor }> {
  const params: unknown[] = [];
  let sql = `SELECT ${COLUMNS} FROM kpi_values WHERE ${where(f, params)}`;
  if (after) {
    params.push(...after);
    const n = params.length;
    sql += ` AND (time, height, idx, entry) > ($${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  }
  sql += ` ORDER BY time, height, idx, entry LIMIT ${limit + 1}`;
  const rows = (await db.query(sql, params)).map(apiValue);
  if (rows.length <= limit) return { values: rows };
  const values = rows.slice(0, limit);
  const last = values[values.length - 1] as ApiValue;
  return { values, next: [last.time, last.height, last.index, last.entry] };
}

export interface Aggregate {
  city: string;
  kpi: number;
  series: number;
  /** Start of the period, UTC ms. */
  start: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
}

/** Groups an aggregate answer holds at most; `truncated` says when more matched. */
export const MAX_GROUPS = 5000;

const BUCKET: Record<Period, string> = {
  hour: '(time / 3600000) * 3600000',
  day: '(time / 86400000) * 86400000',
  month: `(extract(epoch FROM date_trunc('month', to_timestamp(time / 1000.0) AT TIME ZONE 'UTC'))
    * 1000)::bigint`,
};

/** Count, min, max, mean, median and 95th percentile per city, KPI, series and period. */
export async function aggregates(
  db: SqlRunner,
  f: ValueFilter,
  period: Period,
): Promise<{ aggregates: Aggregate[]; truncated: boolean }> {
  const params: unknown[] = [];
  const rows = await db.query(
    `SELECT city, kpi_code, series, ${BUCKET[period]} AS start, count(*) AS n, min(value) AS lo,
       max(value) AS hi, avg(value) AS mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY value) AS p95
     FROM kpi_values WHERE ${where(f, params)}
     GROUP BY city, kpi_code, series, start ORDER BY city, kpi_code, series, start
     LIMIT ${MAX_GROUPS + 1}`,
    params,
  );
  return {
    aggregates: rows.slice(0, MAX_GROUPS).map((r) => ({
      city: String(r.city),
      kpi: num(r.kpi_code),
      series: num(r.series),
      start: num(r.start),
      count: num(r.n),
      min: num(r.lo),
      max: num(r.hi),
      mean: num(r.mean),
      p50: num(r.p50),
      p95: num(r.p95),
    })),
    truncated: rows.length > MAX_GROUPS,
  };
}

/** Latest-value rows an answer holds at most (KPI series of one city). */
export const MAX_LATEST = 5000;

/** The latest value of each KPI series of a city (ties on time: the later packet in the chain). */
export async function latest(db: SqlRunner, city: string): Promise<ApiValue[]> {
  const rows = await db.query(
    `SELECT DISTINCT ON (city, kpi_code, series) ${COLUMNS} FROM kpi_values WHERE city = $1
     ORDER BY city, kpi_code, series, time DESC, height DESC, idx DESC, entry DESC
     LIMIT ${MAX_LATEST}`,
    [city],
  );
  return rows.map(apiValue);
}
