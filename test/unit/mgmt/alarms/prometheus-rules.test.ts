// deploy/prometheus/alerts.yml against the engine and the node's metrics: every rule of the engine
// has an alert (label `rule: <id>`), a runbook section and a row in docs/operations.md, and every
// bkdms_ metric an expression reads is one the node registers. (`promtool check rules` checks its syntax: docs/operations.md.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../../node/mgmt/alarms/types.js';
import { createNodeMetrics, registerAlarmMetric } from '../../../../node/mgmt/metrics.js';

const text = readFileSync(join(import.meta.dirname, '../../../../deploy/prometheus/alerts.yml'), 'utf8');

describe('deploy/prometheus/alerts.yml', () => {
  it('has an alert for every rule of the engine, and no rule the engine lacks', () => {
    const labelled = new Set([...text.matchAll(/^ {10}rule: ([a-z-]+)$/gm)].map((m) => m[1]));
    for (const rule of RULES) expect(labelled, rule).toContain(rule);
    for (const rule of labelled) expect(RULES as readonly string[]).toContain(rule);
    for (const rule of RULES) expect(text).toContain(`runbook_url: docs/operations.md#alarm-${rule}`);
  });

  it('every rule has its runbook section in docs/operations.md, where its alarms link', () => {
    const ops = readFileSync(join(import.meta.dirname, '../../../../docs/operations.md'), 'utf8');
    for (const rule of RULES) expect(ops, rule).toContain(`<a id="alarm-${rule}"></a>\n#### ${rule}\n`);
    for (const rule of RULES) expect(ops, rule).toMatch(new RegExp(`^\\| \`${rule}\` \\|`, 'm'));
  });

  it('reads only metrics the node registers', async () => {
    const m = createNodeMetrics();
    registerAlarmMetric(m, () => []);
    const names = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const used = new Set([...text.matchAll(/\b(bkdms_[a-z_]+)\b/g)].map((x) => x[1]!));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(names, name).toContain(name);
  });
});
