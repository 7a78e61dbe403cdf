// Plain-text tables of query API answers for `bkdms platform query …` (--json prints the answer as is).
import { kpiByWire } from '../kpi/catalogue.js';
import type { Aggregate, ApiValue } from '../platform/api/queries.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export function kpiLabel(wire: number): string {
  const d = kpiByWire(wire);
  return d ? `${d.code} ${d.name}` : `KPI ${wire}`;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatValues(values: ApiValue[]): string {
  return table(
    ['time', 'city', 'site', 'KPI', 'series', 'value', 'unit', 'tracing code'],
    values.map((v) => [
      iso(v.time),
      v.city,
      v.site,
      kpiLabel(v.kpi),
      String(v.series),
      String(v.value),
      v.unit,
      v.tracingCode.slice(0, 16),
    ]),
  );
}

const fix = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));

export function formatAggregates(a: Aggregate[]): string {
  return table(
    ['period start', 'city', 'KPI', 'series', 'count', 'min', 'max', 'mean', 'p50', 'p95'],
    a.map((x) => [
      iso(x.start),
      x.city,
      kpiLabel(x.kpi),
      String(x.series),
      String(x.count),
      fix(x.min),
      fix(x.max),
      fix(x.mean),
      fix(x.p50),
      fix(x.p95),
    ]),
  );
}
