// Pure helpers of the page's small charts and actions, free of the DOM so unit tests run them:
// each node's recent CPU/memory/disk samples gathered from the live snapshots, the polyline of a
// sparkline, the KPI chart's columns, and whether the console's key may approve a proposal.

import type { NodeSamplePoint } from './types.js';

export type { NodeSamplePoint };

/** Samples kept per node: two minutes at the node's one a second. */
export const SAMPLES_KEPT = 120;

/**
 * Adds a node's newest sample unless it is the one already last (snapshots come every second, the
 * node samples every second, so the same sample is often seen twice); keeps the newest `max`.
 */
export function addSample(
  history: Map<string, NodeSamplePoint[]>,
  node: string,
  sample: NodeSamplePoint | undefined,
  max = SAMPLES_KEPT,
): void {
  if (sample === undefined) return;
  const list = history.get(node) ?? [];
  const last = list.at(-1);
  if (last !== undefined && sample.time <= last.time) return;
  list.push(sample);
  if (list.length > max) list.splice(0, list.length - max);
  history.set(node, list);
}

/**
 * The SVG polyline points of `values` in a `width` × `height` box: oldest at the left, the range
 * [min, max] of the values filling the height (a flat line sits in the middle); '' below 2 values.
 */
export function sparkPoints(values: readonly number[], width: number, height: number, pad = 1): string {
  if (values.length < 2) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const dx = (width - 2 * pad) / (values.length - 1);
  return values
    .map((v, i) => {
      const y = span === 0 ? height / 2 : height - pad - ((v - min) / span) * (height - 2 * pad);
      return `${(pad + i * dx).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export interface KpiPoint {
  time: number;
  value: number;
  series: number;
  site: string;
}

/**
 * uPlot's columns for KPI values: x (seconds), then one column per site and series, null where a
 * line has no value at that time. Times are shared, ascending and unique.
 */
export function kpiColumns(values: readonly KpiPoint[]): {
  labels: string[];
  data: [number[], ...(number | null)[][]];
} {
  const times = [...new Set(values.map((v) => v.time))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const keys = [...new Set(values.map((v) => `${v.site} · series ${v.series}`))].sort();
  const cols = keys.map(() => times.map((): number | null => null));
  for (const v of values) {
    const col = cols[keys.indexOf(`${v.site} · series ${v.series}`)];
    const i = at.get(v.time);
    if (col !== undefined && i !== undefined) col[i] = v.value;
  }
  return { labels: keys, data: [times.map((t) => t / 1000), ...cols] };
}

/** Whether the console's admin key (its key ID) may approve: open, unexpired, not yet approved by it. */
export function mayApprove(
  p: { approvals: string[]; expired: boolean; missing: string[] },
  adminKeyId: string | undefined,
): boolean {
  return (
    adminKeyId !== undefined &&
    !p.expired &&
    !p.approvals.includes(adminKeyId) &&
    p.missing.includes(adminKeyId)
  );
}
