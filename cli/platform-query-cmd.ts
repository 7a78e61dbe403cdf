// `bkdms platform query values|aggregates|latest|assessment`: reads a running platform's database
// through its query API (docs/platform.md, "Query API"), from any process: tables by default,
// the API's JSON with --json, CSV with `values --csv`.
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { kpiByCode, kpiByName } from '../kpi/catalogue.js';
import type { Aggregate, ApiValue } from '../platform/api/queries.js';
import { formatQualityTable, type QualityReport } from '../platform/index.js';
import { type ApiTarget, apiGet, apiJson, DEFAULT_API, readToken } from './platform-query-client.js';
import { formatAggregates, formatValues } from './platform-query-format.js';

const say = (s: string): void => void process.stdout.write(`${s}\n`);

interface Common {
  api: string;
  tokenFile?: string;
  json?: boolean;
}

interface Filter extends Common {
  city?: string;
  site?: string;
  kpi?: string;
  from?: string;
  to?: string;
}

/** A KPI by wire code, code string ("EC: P: EM: 1C") or name. */
export function kpiWire(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const d = kpiByCode(text) ?? kpiByName(text);
  if (!d) throw new Error(`--kpi ${text}: no such KPI (wire code, code string or name)`);
  return d.wire;
}

const target = (o: Common): ApiTarget => ({ api: o.api, token: readToken(o.tokenFile) });

const filter = (o: Filter) => ({ city: o.city, site: o.site, kpi: kpiWire(o.kpi), from: o.from, to: o.to });

function common(c: Command): Command {
  return c
    .option('--api <url>', 'the platform query API', DEFAULT_API)
    .option('--token-file <file>', 'read token: first line of this file (else BKDMS_API_TOKEN)')
    .option('--json', "print the API's JSON answer");
}

function filtered(c: Command): Command {
  return common(c)
    .option('--city <code>', 'city code (e.g. CNSHA)')
    .option('--site <address>', 'site address or 32-hex site ID')
    .option('--kpi <kpi>', 'KPI: wire code, code string or name')
    .option('--from <time>', 'from (inclusive): UTC ms or ISO 8601')
    .option('--to <time>', 'to (exclusive): UTC ms or ISO 8601');
}

export function registerPlatformQueryCommands(platform: Command): void {
  const query = platform
    .command('query')
    .description("read a running platform's KPI data and assessment through its query API");

  filtered(query.command('values'))
    .description('stored KPI values in time order (one page; --csv: all, up to 100000 rows)')
    .option('--limit <n>', 'page size (1..1000; with --csv, rows 1..100000)')
    .option('--cursor <cursor>', 'the next page (printed after a page)')
    .option('--csv', 'CSV export instead of a page')
    .action(async (o: Filter & { limit?: string; cursor?: string; csv?: boolean }) => {
      const t = target(o);
      if (o.csv) {
        const res = await apiGet(t, 'v1/values.csv', { ...filter(o), limit: o.limit });
        await res.body?.pipeTo(Writable.toWeb(process.stdout));
        return;
      }
      const page = await apiJson<{ values: ApiValue[]; next: string | null }>(t, 'v1/values', {
        ...filter(o),
        limit: o.limit,
        cursor: o.cursor,
      });
      if (o.json) return say(JSON.stringify(page, null, 2));
      say(formatValues(page.values));
      if (page.next) say(`more: --cursor ${page.next}`);
    });

  filtered(query.command('aggregates'))
    .description('count, min, max, mean, median and 95th percentile per city, KPI and period')
    .requiredOption('--period <period>', 'hour, day or month (UTC)')
    .action(async (o: Filter & { period: string }) => {
      const r = await apiJson<{ aggregates: Aggregate[]; truncated: boolean }>(target(o), 'v1/aggregates', {
        ...filter(o),
        period: o.period,
      });
      if (o.json) return say(JSON.stringify(r, null, 2));
      say(formatAggregates(r.aggregates));
      if (r.truncated) say('(truncated: narrow the query)');
    });

  common(query.command('latest'))
    .description('the latest value of each KPI series of a city')
    .requiredOption('--city <code>', 'city code (e.g. CNSHA)')
    .action(async (o: Common & { city: string }) => {
      const r = await apiJson<{ values: ApiValue[] }>(target(o), 'v1/latest', { city: o.city });
      if (o.json) return say(JSON.stringify(r, null, 2));
      say(r.values.length === 0 ? `no values for ${o.city}` : formatValues(r.values));
    });

  common(query.command('assessment'))
    .description('data quality and availability over a time range')
    .option('--city <code>', "only this city's series (e.g. CNSHA)")
    .option('--kpi <kpi>', "only this KPI's series: wire code, code string or name")
    .option('--from <time>', 'from (inclusive): UTC ms or ISO 8601')
    .option('--to <time>', 'to (exclusive): UTC ms or ISO 8601')
    .action(async (o: Common & { city?: string; kpi?: string; from?: string; to?: string }) => {
      const r = await apiJson<QualityReport>(target(o), 'v1/assessment', {
        city: o.city,
        kpi: kpiWire(o.kpi),
        from: o.from,
        to: o.to,
      });
      say(o.json ? JSON.stringify(r, null, 2) : formatQualityTable(r));
    });
}
