// The KPI page's reads. What can be charted comes from the chain's site registry (GetState
// "site/": each site's city and the KPI codes it reports, named from the catalogue); the values
// come from the platform's query API (GET /v1/values, docs/platform.md §3.2), which holds them
// decrypted: the chain never sees KPI values. Parameters are checked here before anything is
// forwarded, so the platform gets only what its API accepts.

import { parseJson } from '../api/state-values.js';
import type { StateEntryView } from '../api/types.js';
import { SiteStatus } from '../codec/types.js';
import { kpiByWire } from '../kpi/catalogue.js';
import { K, type SiteRecord } from '../ledger/records.js';
import { siteIdText } from './envelope-summary.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { ItemProof } from './proven-reads.js';

export interface KpiSite {
  keyId: string;
  city: string;
  country: number;
  siteId: string;
  /** The site ID as an address (dotted IPv4 when IPv4-mapped). */
  address: string;
  status: string;
  kpis: { wire: number; code: string; name: string; unit: string; series: string[] }[];
  /** Whether the registration is proven against the console's trust anchor (console/proven-reads.ts). */
  proof?: ItemProof;
}

/** A site's registration (GetSite) as the pages show it. */
export function kpiSiteOf(
  keyId: string,
  r: { country: number; city: { code: string }; siteId: string; kpiCodes: number[]; status: number },
): KpiSite {
  return {
    keyId,
    city: r.city.code,
    country: r.country,
    siteId: r.siteId,
    address: siteIdText(new Uint8Array(Buffer.from(r.siteId, 'hex'))),
    status: (SiteStatus[r.status] ?? String(r.status)).toLowerCase(),
    kpis: r.kpiCodes.map((wire) => {
      const d = kpiByWire(wire);
      return {
        wire,
        code: d?.code ?? String(wire),
        name: d?.name ?? `KPI ${wire}`,
        unit: d?.unit ?? '',
        series: (d?.series ?? []).map((s) => s.name),
      };
    }),
  };
}

export function kpiSites(entries: readonly StateEntryView[]): KpiSite[] {
  return entries.map((e) => kpiSiteOf(e.key.slice(K.sitePrefix.length), parseJson<SiteRecord>(e.value)));
}

export interface ValuesQuery {
  city: string;
  kpi: number;
  site?: string;
  from: number;
  to?: number;
}

const WINDOW_MAX = 366 * 86_400_000;

function bad(message: string): ConsoleError {
  return new ConsoleError(ConsoleErrorCode.BadRequest, message);
}

/** The page's query checked: city code, KPI wire code, an optional 32-hex site ID, ms bounds. */
export function valuesQuery(q: URLSearchParams, now: number): ValuesQuery {
  const city = q.get('city') ?? '';
  if (!/^[\x21-\x7e]{1,32}$/.test(city)) throw bad('city: a city code (printable ASCII, no spaces)');
  const kpiText = q.get('kpi') ?? '';
  const kpi = Number(kpiText);
  if (!/^\d{1,5}$/.test(kpiText) || kpi < 1 || kpi > 65535) throw bad('kpi: a KPI wire code, 1..65535');
  const site = q.get('site') ?? '';
  if (site !== '' && !/^[0-9a-f]{32}$/.test(site)) throw bad('site: a site ID, 32 hex digits');
  const sinceText = q.get('sinceMs') ?? '3600000';
  const since = Number(sinceText);
  if (!/^\d{1,12}$/.test(sinceText) || since < 1 || since > WINDOW_MAX)
    throw bad('sinceMs: a window of 1 ms .. 366 days');
  return { city, kpi, ...(site === '' ? {} : { site }), from: now - since };
}

export interface ChartValue {
  time: number;
  value: number;
  series: number;
  site: string;
  unit: string;
}

/** Most values one chart fetches (the platform's page size). */
export const CHART_LIMIT = 1000;

/**
 * GET `u` on the platform's query API and its JSON body; a refusal becomes a ConsoleError naming
 * the platform's status, field and message (`onBadRequest` for a 400, Unavailable otherwise).
 */
async function platformJson<T>(u: URL, onBadRequest: ConsoleErrorCode): Promise<T> {
  const res = await fetch(u, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string; field?: string };
  if (!res.ok)
    throw new ConsoleError(
      res.status === 400 ? onBadRequest : ConsoleErrorCode.Unavailable,
      `the platform answered ${res.status}: ${body.field ? `${body.field}: ` : ''}${body.error ?? ''}`,
    );
  return body;
}

/** One page of values from the platform (oldest first); `truncated` when more matched. */
export async function fetchValues(
  platform: string,
  q: ValuesQuery,
): Promise<{ values: ChartValue[]; truncated: boolean }> {
  const u = new URL('/v1/values', platform);
  u.searchParams.set('city', q.city);
  u.searchParams.set('kpi', String(q.kpi));
  if (q.site !== undefined) u.searchParams.set('site', q.site);
  u.searchParams.set('from', String(q.from));
  u.searchParams.set('limit', String(CHART_LIMIT));
  const body = await platformJson<{ values?: ChartValue[]; next?: string | null }>(
    u,
    ConsoleErrorCode.BadRequest,
  );
  const values = (body.values ?? []).map((v) => ({
    time: v.time,
    value: v.value,
    series: v.series,
    site: v.site,
    unit: v.unit,
  }));
  return { values, truncated: body.next !== null && body.next !== undefined };
}

/** One row of the KPI page's quality table: a series' figures from the platform's assessment. */
export interface QualityRow {
  site: string;
  series: number;
  expected: number;
  received: number;
  completeness: number;
  gaps: number;
  duplicates: number;
  invalid: number;
  outliers: number;
  failed: number;
  /** Collection -> commit, median ms (null when nothing was received). */
  latencyMs: number | null;
  /** Tracing codes of the outlying and out-of-range values: the page links each to its trace. */
  codes: string[];
}

/** Most tracing codes a row carries to the page. */
const CODES_PER_ROW = 20;

/**
 * The platform's quality assessment (`GET /v1/assessment`, §7) over the chart's window, of the
 * chart's city and KPI only (the platform assesses just those series), narrowed here to the site
 * when one is picked (given as the site's address, as the assessment labels sites).
 */
export async function fetchQuality(
  platform: string,
  q: ValuesQuery,
  now: number,
  address?: string,
): Promise<{ from: number; to: number; periodMs: number; rows: QualityRow[] }> {
  const u = new URL('/v1/assessment', platform);
  u.searchParams.set('city', q.city);
  u.searchParams.set('kpi', String(q.kpi));
  u.searchParams.set('from', String(q.from));
  u.searchParams.set('to', String(now));
  const body = await platformJson<{
    from?: number;
    to?: number;
    periodMs?: number;
    series?: (QualityRow & { latency: { medianMs: number } | null })[];
  }>(u, ConsoleErrorCode.Unavailable);
  const rows = (body.series ?? [])
    .filter((s) => address === undefined || s.site === address)
    .map((s) => ({
      site: s.site,
      series: s.series,
      expected: s.expected,
      received: s.received,
      completeness: s.completeness,
      gaps: s.gaps,
      duplicates: s.duplicates,
      invalid: s.invalid,
      outliers: s.outliers,
      failed: s.failed,
      latencyMs: s.latency?.medianMs ?? null,
      codes: [
        ...((s as { outlierCodes?: string[] }).outlierCodes ?? []),
        ...((s as { invalidCodes?: string[] }).invalidCodes ?? []),
      ].slice(0, CODES_PER_ROW),
    }));
  return { from: body.from ?? q.from, to: body.to ?? now, periodMs: body.periodMs ?? 0, rows };
}
