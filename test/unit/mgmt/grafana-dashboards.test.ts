// deploy/grafana/'s Prometheus dashboards (summary, network, consensus, storage, host) against the
// metrics the code registers: every PromQL expression, with its label matchers, ranges and label
// lists set aside, names only functions PromQL has and series the node exports (the summary may
// also read the relayer's), as the registries themselves list them (test/support/metric-names.ts);
// every metric the node's code spells has a panel; docs/operations.md lists every dashboard.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricLiterals, nodeSeries, relayerSeries } from '../../support/metric-names.js';

const root = join(import.meta.dirname, '../../..');
const dir = join(root, 'deploy/grafana');
const PROMETHEUS = ['summary', 'network', 'consensus', 'storage', 'host'];

interface Target {
  expr?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: {
    title: string;
    datasource?: { uid?: string };
    gridPos: { x: number; w: number };
    targets: Target[];
  }[];
  templating: { list: { name: string; query: string; datasource?: { type?: string } }[] };
}

const load = (name: string): Dashboard =>
  JSON.parse(readFileSync(join(dir, `${name}-dashboard.json`), 'utf8')) as Dashboard;

const FUNCTIONS = new Set([
  'rate',
  'irate',
  'increase',
  'deriv',
  'histogram_quantile',
  'sum',
  'max',
  'min',
  'count',
  'clamp_min',
  'clamp_max',
  'time',
  'vector',
]);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

/** The series an expression reads; throws on a function PromQL does not have (or this list lacks). */
function seriesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  if (bare.includes('$')) throw new Error(`a Grafana variable outside a matcher or range: ${expr}`);
  const out: string[] = [];
  for (const m of bare.matchAll(/(?<![0-9.A-Za-z_])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, id, call] = m as unknown as [string, string, string | undefined];
    if (call !== undefined) {
      if (!FUNCTIONS.has(id)) throw new Error(`unknown function ${id} in: ${expr}`);
    } else if (!KEYWORDS.has(id)) out.push(id);
  }
  return out;
}

let node: Set<string>;
let relayer: Set<string>;
const dashboards = new Map(PROMETHEUS.map((n) => [n, load(n)]));

beforeAll(async () => {
  node = await nodeSeries();
  relayer = await relayerSeries();
});

describe('the expression reader', () => {
  it('finds the series and refuses what it does not know', () => {
    expect(
      seriesIn(
        'histogram_quantile(0.95, sum by (le, method) (rate(bkdms_rpc_duration_seconds_bucket{instance=~"$instance",outcome!="OK"}[$__rate_interval])))',
      ),
    ).toEqual(['bkdms_rpc_duration_seconds_bucket']);
    expect(seriesIn('a / clamp_min(b, 1e-9) or vector(0)')).toEqual(['a', 'b']);
    expect(() => seriesIn('ratee(bkdms_block_height[5m])')).toThrow(/unknown function ratee/);
    expect(() => seriesIn('bkdms_block_height > $limit')).toThrow(/Grafana variable/);
  });
});

describe('deploy/grafana Prometheus dashboards', () => {
  it('the registries list what the code spells (the names come from the registries, not a hand list)', () => {
    for (const name of metricLiterals(join(root, 'node'))) expect(node, name).toContain(name);
    for (const name of metricLiterals(join(root, 'platform/relay'))) expect(relayer, name).toContain(name);
    expect(node.size).toBeGreaterThan(60);
  });

  it('are the five of the split, plus the KPI one over the platform database', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(
      [...PROMETHEUS.map((n) => `${n}-dashboard.json`), 'kpi-dashboard.json'].sort(),
    );
    const uids = [...dashboards.values()].map((d) => d.uid);
    expect(new Set(uids).size).toBe(PROMETHEUS.length);
  });

  it.each(PROMETHEUS)('%s: every expression reads only series the node exports', (name) => {
    const d = dashboards.get(name) as Dashboard;
    const allowed = name === 'summary' ? new Set([...node, ...relayer]) : node;
    expect(d.panels.length).toBeGreaterThanOrEqual(8);
    for (const p of d.panels) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, not a template.
      expect(p.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(t.expr, p.title).toBeTruthy();
        const read = seriesIn(t.expr as string);
        expect(read.length, t.expr).toBeGreaterThan(0);
        for (const s of read) expect(allowed, `${name} / ${p.title}: ${t.expr}`).toContain(s);
      }
    }
    for (const v of d.templating.list) {
      const m = /^label_values\((\w+), *(\w+)\)$/.exec(v.query);
      expect(m, v.query).not.toBeNull();
      expect(node).toContain(m?.[1]);
    }
  });

  it('give every metric the node code registers a panel', () => {
    const read = new Set(
      [...dashboards.values()].flatMap((d) =>
        d.panels.flatMap((p) => p.targets.flatMap((t) => seriesIn(t.expr ?? ''))),
      ),
    );
    const family = (s: string): string => s.replace(/_(bucket|sum|count)$/, '');
    const families = new Set([...read].flatMap((s) => [s, family(s)]));
    for (const name of metricLiterals(join(root, 'node'))) expect(families, name).toContain(name);
  });

  it('are listed in docs/operations.md', () => {
    const ops = readFileSync(join(root, 'docs/operations.md'), 'utf8');
    for (const name of [...PROMETHEUS, 'kpi']) expect(ops).toContain(`deploy/grafana/${name}-dashboard.json`);
  });
});
