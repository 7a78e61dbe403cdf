// The quality report as a readable table (what `bkdms platform assess` prints): one section per
// scope (overall, site, city, KPI), aligned columns, percentages and latencies in seconds.
import { kpiByWire } from '../kpi/catalogue.js';
import type { QualityMetrics, QualityReport } from './assess.js';

const HEAD = [
  '',
  'expected',
  'received',
  'complete',
  'gaps',
  'dup',
  'invalid',
  'outliers',
  'failed',
  'lat p50',
  'lat p95',
  'commit p50',
  'commit p95',
];

function secs(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`;
}

function cells(name: string, m: QualityMetrics): string[] {
  return [
    name,
    String(m.expected),
    String(m.received),
    `${(m.completeness * 100).toFixed(1)}%`,
    String(m.gaps),
    String(m.duplicates),
    String(m.invalid),
    String(m.outliers),
    String(m.failed),
    secs(m.latency?.medianMs),
    secs(m.latency?.p95Ms),
    secs(m.commitLatency?.medianMs),
    secs(m.commitLatency?.p95Ms),
  ];
}

function align(rows: string[][]): string[] {
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function kpiName(wire: string): string {
  const def = kpiByWire(Number(wire));
  return def ? `${def.code} ${def.name}` : `KPI ${wire}`;
}

export function formatQualityTable(r: QualityReport): string {
  const rows: string[][] = [HEAD, cells('overall', r.overall)];
  const section = (title: string, by: Record<string, QualityMetrics>, label: (k: string) => string) => {
    rows.push([`${title}:`, ...HEAD.slice(1).map(() => '')]);
    for (const [k, m] of Object.entries(by)) rows.push(cells(`  ${label(k)}`, m));
  };
  section('by site', r.bySite, (k) => k);
  section('by city', r.byCity, (k) => k);
  section('by KPI', r.byKpi, kpiName);
  const from = new Date(r.from).toISOString();
  const to = new Date(r.to).toISOString();
  return [`quality ${from} .. ${to}, ${r.periods} periods of ${secs(r.periodMs)}`, ...align(rows)].join('\n');
}
