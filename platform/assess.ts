// Data quality and availability assessment (Y.4907 §8.3 "analysis"), a pure function over the
// platform's decrypted records: per series (site, KPI, series) and rolled up per site, city and
// KPI — completeness (periods received / periods expected), gaps (missing periods, as runs),
// duplicates (more than one value in a period), validity (catalogue range checks) and outliers
// (robust z-score), timeliness (collection time -> commit time, and the chain's own share: upload
// time -> commit time), and packets that failed to open.
import { checkEntry } from '../kpi/entry-check.js';
import { DEFAULT_Z_THRESHOLD, quantile, robustOutliers } from './assess-stats.js';

/** One decrypted KPI value. */
export interface AssessRow {
  site: string;
  city: string;
  kpi: number;
  series: number;
  value: number;
  flags: number;
  /** Collection time, UTC ms. */
  time: number;
  /** Commit (block) time, UTC ms. */
  commitTime: number;
  /** Upload time (the envelope's time, set by the site when it sealed the packet), UTC ms. */
  uploadTime: number;
  tracingCode: string;
}

export interface AssessOptions {
  periodMs: number;
  /** Window [from, to), UTC ms; defaults to the rows' span rounded out to whole periods. */
  from?: number;
  to?: number;
  zThreshold?: number;
  /** Registered sites and their KPIs: a KPI never received still counts as expected. */
  expected?: { site: string; city: string; kpis: number[] }[];
  /** Packets that could not be used, per site. */
  failed?: Record<string, number>;
  /** Only this city's series (and the roll-ups over them). */
  city?: string;
  /** Only this KPI's series (and the roll-ups over them). */
  kpi?: number;
}

export interface Latency {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export interface QualityMetrics {
  expected: number;
  received: number;
  /** received / expected, 0..1 (1 when nothing is expected). */
  completeness: number;
  gaps: number;
  duplicates: number;
  invalid: number;
  outliers: number;
  failed: number;
  /** Collection -> commit: how old a value is when the chain certifies it (includes site batching). */
  latency: Latency | null;
  /** Upload -> commit: the chain's share of it (admission, ordering, commit). */
  commitLatency: Latency | null;
}

export interface SeriesReport extends QualityMetrics {
  site: string;
  city: string;
  kpi: number;
  series: number;
  /** Missing periods as [start, end) UTC ms runs. */
  gapRuns: [number, number][];
  /** Tracing codes of the outlying and the out-of-range values. */
  outlierCodes: string[];
  invalidCodes: string[];
}

export interface QualityReport {
  from: number;
  to: number;
  periodMs: number;
  periods: number;
  overall: QualityMetrics;
  bySite: Record<string, QualityMetrics>;
  byCity: Record<string, QualityMetrics>;
  byKpi: Record<string, QualityMetrics>;
  series: SeriesReport[];
}

/** The raw latencies behind a report's figures, kept until the roll-ups are computed. */
type Lat = { latencies: number[]; commitLatencies: number[] };

function latency(ms: number[]): Latency | null {
  if (ms.length === 0) return null;
  return { medianMs: quantile(ms, 0.5), p95Ms: quantile(ms, 0.95), maxMs: Math.max(...ms) };
}

function seriesReport(
  key: { site: string; city: string; kpi: number; series: number },
  rows: AssessRow[],
  win: { from: number; periods: number; periodMs: number },
  z: number,
): SeriesReport & Lat {
  const inWindow = rows.filter((r) => r.time >= win.from && r.time < win.from + win.periods * win.periodMs);
  const byPeriod = new Map<number, AssessRow[]>();
  for (const r of inWindow) {
    const p = Math.floor((r.time - win.from) / win.periodMs);
    byPeriod.set(p, [...(byPeriod.get(p) ?? []), r]);
  }
  const gapRuns: [number, number][] = [];
  for (let p = 0; p < win.periods; p++) {
    if (byPeriod.has(p)) continue;
    const start = win.from + p * win.periodMs;
    const last = gapRuns[gapRuns.length - 1];
    if (last && last[1] === start) last[1] = start + win.periodMs;
    else gapRuns.push([start, start + win.periodMs]);
  }
  const invalidCodes = inWindow
    .filter((r) => !checkEntry({ code: r.kpi, series: r.series, value: r.value, flags: r.flags }).ok)
    .map((r) => r.tracingCode);
  const outlierCodes = robustOutliers(
    inWindow.map((r) => r.value),
    z,
  ).map((i) => inWindow[i]!.tracingCode);
  const latencies = inWindow.map((r) => r.commitTime - r.time);
  const commitLatencies = inWindow.map((r) => r.commitTime - r.uploadTime);
  const received = byPeriod.size;
  return {
    ...key,
    expected: win.periods,
    received,
    completeness: win.periods === 0 ? 1 : received / win.periods,
    gaps: win.periods - received,
    duplicates: inWindow.length - received,
    invalid: invalidCodes.length,
    outliers: outlierCodes.length,
    failed: 0,
    latency: latency(latencies),
    commitLatency: latency(commitLatencies),
    gapRuns,
    outlierCodes,
    invalidCodes,
    latencies,
    commitLatencies,
  };
}

type Acc = QualityMetrics & Lat;

function emptyAcc(): Acc {
  return {
    expected: 0,
    received: 0,
    completeness: 1,
    gaps: 0,
    duplicates: 0,
    invalid: 0,
    outliers: 0,
    failed: 0,
    latency: null,
    commitLatency: null,
    latencies: [],
    commitLatencies: [],
  };
}

function add(acc: Acc, s: SeriesReport & Lat): void {
  acc.expected += s.expected;
  acc.received += s.received;
  acc.gaps += s.gaps;
  acc.duplicates += s.duplicates;
  acc.invalid += s.invalid;
  acc.outliers += s.outliers;
  acc.latencies.push(...s.latencies);
  acc.commitLatencies.push(...s.commitLatencies);
}

function finish(acc: Acc): QualityMetrics {
  const { latencies, commitLatencies, ...m } = acc;
  return {
    ...m,
    completeness: m.expected === 0 ? 1 : m.received / m.expected,
    latency: latency(latencies),
    commitLatency: latency(commitLatencies),
  };
}

function rollUp(
  all: (SeriesReport & Lat)[],
  keyOf: (s: SeriesReport) => string,
  failed: (k: string) => number,
): Record<string, QualityMetrics> {
  const accs = new Map<string, Acc>();
  for (const s of all) {
    const k = keyOf(s);
    const acc = accs.get(k) ?? emptyAcc();
    add(acc, s);
    accs.set(k, acc);
  }
  const out: Record<string, QualityMetrics> = {};
  for (const [k, acc] of [...accs].sort(([a], [b]) => (a < b ? -1 : 1)))
    out[k] = { ...finish(acc), failed: failed(k) };
  return out;
}

/** The window: as given, else the rows' span rounded out to whole periods. */
function window(rows: AssessRow[], o: AssessOptions): { from: number; periods: number; periodMs: number } {
  const p = o.periodMs;
  const times = rows.map((r) => r.time);
  const from = o.from ?? (times.length ? Math.floor(Math.min(...times) / p) * p : 0);
  const to = o.to ?? (times.length ? (Math.floor(Math.max(...times) / p) + 1) * p : from);
  return { from, periods: Math.max(0, Math.ceil((to - from) / p)), periodMs: p };
}

/**
 * The rows, expected KPIs and failed packets a city/KPI filter keeps. A failed packet names no
 * trusted city or KPI, so it counts for its site when the site has a series in the filtered report.
 */
function narrow(
  rows: AssessRow[],
  opts: AssessOptions,
): {
  rows: AssessRow[];
  expected: AssessOptions['expected'];
  failed: (sites: Set<string>) => Record<string, number>;
} {
  const { city, kpi } = opts;
  const all = opts.failed ?? {};
  if (city === undefined && kpi === undefined) return { rows, expected: opts.expected, failed: () => all };
  const keep = (c: string, k: number) =>
    (city === undefined || c === city) && (kpi === undefined || k === kpi);
  return {
    rows: rows.filter((r) => keep(r.city, r.kpi)),
    expected: (opts.expected ?? []).map((e) => ({ ...e, kpis: e.kpis.filter((k) => keep(e.city, k)) })),
    failed: (sites) => Object.fromEntries(Object.entries(all).filter(([s]) => sites.has(s))),
  };
}

export function assess(allRows: AssessRow[], opts: AssessOptions): QualityReport {
  const { rows, expected, failed } = narrow(allRows, opts);
  // The window defaults to the span of every row, so a filter does not move the periods.
  const win = window(allRows, opts);
  const groups = new Map<
    string,
    { key: { site: string; city: string; kpi: number; series: number }; rows: AssessRow[] }
  >();
  const group = (site: string, city: string, kpi: number, series: number) => {
    const id = `${site}\0${kpi}\0${series}`;
    const g = groups.get(id) ?? { key: { site, city, kpi, series }, rows: [] };
    groups.set(id, g);
    return g;
  };
  for (const r of rows) group(r.site, r.city, r.kpi, r.series).rows.push(r);
  for (const e of expected ?? [])
    for (const kpi of e.kpis)
      if (![...groups.values()].some((g) => g.key.site === e.site && g.key.kpi === kpi))
        group(e.site, e.city, kpi, 0);
  const z = opts.zThreshold ?? DEFAULT_Z_THRESHOLD;
  const all = [...groups.values()].map((g) => seriesReport(g.key, g.rows, win, z));
  all.sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : a.kpi - b.kpi || a.series - b.series));
  const failedBySite = failed(new Set(all.map((s) => s.site)));
  const cityOfSite = new Map(all.map((s) => [s.site, s.city]));
  const failedIn = (pick: (site: string) => boolean) =>
    Object.entries(failedBySite)
      .filter(([s]) => pick(s))
      .reduce((n, [, c]) => n + c, 0);
  const overall = emptyAcc();
  for (const s of all) add(overall, s);
  return {
    from: win.from,
    to: win.from + win.periods * win.periodMs,
    periodMs: win.periodMs,
    periods: win.periods,
    overall: { ...finish(overall), failed: failedIn(() => true) },
    bySite: rollUp(
      all,
      (s) => s.site,
      (k) => failedBySite[k] ?? 0,
    ),
    byCity: rollUp(
      all,
      (s) => s.city,
      (k) => failedIn((site) => cityOfSite.get(site) === k),
    ),
    byKpi: rollUp(
      all,
      (s) => String(s.kpi),
      () => 0,
    ),
    series: all.map(({ latencies: _, commitLatencies: __, ...s }) => s),
  };
}
