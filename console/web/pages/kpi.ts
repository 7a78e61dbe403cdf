// KPI data: a city, a KPI it reports and optionally one site (the chain's site registry says which
// exist), charted from the platform's query API (--platform) over a chosen window, one line per
// site and series, and the platform's quality assessment of it (completeness, gaps, duplicates,
// invalid and outlying values with links to their traces, failures, timeliness). The chain never
// holds KPI values: without a platform the page says so.
import uPlot from 'uplot';
import type { KpiSite, QualityRow } from '../../kpi-data.js';
import { empty, errorBox, getJson, h, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import { type KpiPoint, kpiColumns } from '../series.js';

const WINDOWS: [string, string][] = [
  ['3600000', 'last hour'],
  ['21600000', 'last 6 hours'],
  ['86400000', 'last day'],
  ['604800000', 'last week'],
];
const COLORS = ['#1d6fd6', '#c62828', '#1a7f37', '#b26a00', '#6a3fb5', '#00838f', '#ad1457', '#5d4037'];

interface QualityAnswer {
  from: number;
  to: number;
  periodMs: number;
  rows: QualityRow[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** The platform's assessment of the charted series: one row per site and series, outliers linked to their traces. */
function qualityTable(r: QualityAnswer): HTMLElement {
  if (r.rows.length === 0) return empty('the platform assessed no series of this KPI in the window');
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'muted' },
      `per ${r.periodMs / 1000} s period, ${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()}`,
    ),
    table(
      [
        'site',
        'series',
        'received',
        'expected',
        'completeness',
        'gaps',
        'duplicates',
        'invalid',
        'outliers',
        'failed',
        'timeliness (median)',
        'traces',
      ],
      r.rows.map((q) => [
        h('code', {}, q.site),
        q.series,
        q.received,
        q.expected,
        h('span', { class: q.completeness >= 0.99 ? 'ok' : 'warn' }, pct(q.completeness)),
        q.gaps,
        q.duplicates,
        q.invalid,
        q.outliers,
        q.failed,
        q.latencyMs === null ? '—' : `${Math.round(q.latencyMs)} ms`,
        h('span', {}, ...q.codes.flatMap((c) => [h('a', { href: `#/trace/${c}` }, c.slice(0, 8)), ' '])),
      ]),
      { id: 'kpi-quality' },
    ),
  );
}

function options(sel: HTMLSelectElement, list: [string, string][], keep: string): void {
  sel.replaceChildren(...list.map(([v, t]) => h('option', { value: v }, t)));
  if (list.some(([v]) => v === keep)) sel.value = keep;
}

export const kpiPage: PageFactory = (root) => {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const city = h('select', { name: 'city', 'aria-label': 'city' });
  const kpi = h('select', { name: 'kpi', 'aria-label': 'KPI' });
  const site = h('select', { name: 'site', 'aria-label': 'site' });
  const since = h('select', { name: 'sinceMs', 'aria-label': 'window' });
  options(since, WINDOWS, q.get('sinceMs') ?? '3600000');
  const form = h(
    'form',
    { class: 'filters', id: 'kpi-filter' },
    city,
    kpi,
    site,
    since,
    h('button', { type: 'submit' }, 'Chart'),
  );
  const info = h('p', { class: 'muted', id: 'kpi-info' });
  const chartBox = h('div', { class: 'chart', id: 'kpi-chart' });
  const quality = h('div', { id: 'kpi-quality-box' });
  root.append(h('h2', {}, 'KPI data'), form, info, chartBox, h('h3', {}, 'Data quality'), quality);
  let sites: KpiSite[] = [];
  let plot: uPlot | undefined;

  const fill = (): void => {
    const cities = [...new Set(sites.map((s) => s.city))].sort();
    options(
      city,
      cities.map((c) => [c, c]),
      city.value || (q.get('city') ?? ''),
    );
    const inCity = sites.filter((s) => s.city === city.value);
    const kpis = new Map(inCity.flatMap((s) => s.kpis.map((k) => [String(k.wire), `${k.name} (${k.code})`])));
    options(kpi, [...kpis.entries()], kpi.value || (q.get('kpi') ?? ''));
    const withKpi = inCity.filter((s) => s.kpis.some((k) => String(k.wire) === kpi.value));
    options(
      site,
      [['', 'every site'], ...withKpi.map((s): [string, string] => [s.siteId, s.address])],
      site.value || (q.get('site') ?? ''),
    );
  };
  city.addEventListener('change', () => {
    kpi.value = '';
    fill();
  });
  kpi.addEventListener('change', fill);

  const chart = (): void => {
    const p = new URLSearchParams();
    for (const el of [city, kpi, site, since]) if (el.value !== '') p.set(el.name, el.value);
    if (!p.has('city') || !p.has('kpi')) return;
    info.textContent = 'reading the platform…';
    getJson<{ values: (KpiPoint & { unit: string })[]; truncated: boolean; limit: number }>(
      `/api/kpi/values?${p}`,
    )
      .then((r) => {
        plot?.destroy();
        plot = undefined;
        chartBox.replaceChildren();
        const def = sites.flatMap((s) => s.kpis).find((k) => String(k.wire) === kpi.value);
        info.textContent =
          `${r.values.length} values${r.truncated ? ` (the first ${r.limit} of the window: choose a shorter one)` : ''}` +
          `${def ? `, ${def.name}${r.values[0]?.unit || def.unit ? ` in ${r.values[0]?.unit || def.unit}` : ''}` : ''}`;
        chartBox.dataset.points = String(r.values.length);
        if (r.values.length === 0) return void chartBox.append(empty('no values in this window'));
        const { labels, data } = kpiColumns(r.values);
        plot = new uPlot(
          {
            title: def?.name ?? `KPI ${kpi.value}`,
            width: Math.min(1200, root.clientWidth - 20),
            height: 300,
            series: [
              {},
              ...labels.map((l, i) => ({
                label: l,
                stroke: COLORS[i % COLORS.length],
                width: 2,
                spanGaps: true,
              })),
            ],
            axes: [{}, { size: 60 }],
          },
          data as uPlot.AlignedData,
          chartBox,
        );
      })
      .catch((err: Error) => {
        info.textContent = '';
        chartBox.replaceChildren(errorBox(err.message));
      });
    quality.replaceChildren(empty('assessing…'));
    getJson<QualityAnswer>(`/api/kpi/quality?${p}`)
      .then((r) => quality.replaceChildren(qualityTable(r)))
      .catch((err: Error) => quality.replaceChildren(errorBox(err.message)));
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const el of [city, kpi, site, since]) if (el.value !== '') p.set(el.name, el.value);
    const next = `#/kpi/?${p}`;
    if (location.hash === next) chart();
    else location.hash = next;
  });

  getJson<{ platform: string | null; sites: KpiSite[] }>('/api/kpi/sites')
    .then((r) => {
      sites = r.sites;
      if (r.platform === null) {
        form.hidden = true;
        chartBox.replaceChildren(
          errorBox(
            'the console was started without --platform: the chain holds no KPI values, the platform does',
          ),
        );
        return;
      }
      if (sites.length === 0)
        return void chartBox.replaceChildren(empty('no site is registered on the chain'));
      fill();
      chart();
    })
    .catch((err: Error) => chartBox.replaceChildren(errorBox(err.message)));
  return {
    dispose() {
      plot?.destroy();
    },
  };
};
