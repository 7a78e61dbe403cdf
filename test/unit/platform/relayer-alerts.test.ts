// deploy/prometheus/relayer-alerts.yml against the relayer's metrics: every bkdms_ metric an
// expression reads is one the relayer registers, every alert has a severity and links the
// supervision section of docs/cross-chain.md, which exists. (`promtool check rules` checks syntax.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelayMetrics } from '../../../platform/relay/metrics.js';

const root = join(import.meta.dirname, '../../..');
const text = readFileSync(join(root, 'deploy/prometheus/relayer-alerts.yml'), 'utf8');

describe('deploy/prometheus/relayer-alerts.yml', () => {
  it('reads only metrics the relayer registers', async () => {
    const m = new RelayMetrics(() => 0);
    const names = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const used = new Set([...text.matchAll(/\b(bkdms_[a-z_]+)\b/g)].map((x) => x[1]!));
    expect(used.size).toBeGreaterThanOrEqual(5);
    for (const name of used) expect(names, name).toContain(name);
  });

  it('gives every alert a severity and the supervision runbook, which exists', () => {
    const alerts = text.split(/^ {6}- alert: /m).slice(1);
    expect(alerts.length).toBeGreaterThanOrEqual(6);
    for (const a of alerts) {
      expect(a, a).toMatch(/^ {10}severity: (critical|major|minor|warning)$/m);
      expect(a, a).toContain('runbook_url: docs/cross-chain.md#supervision');
      expect(a, a).toMatch(/^ {8}expr: \S/m);
    }
    const doc = readFileSync(join(root, 'docs/cross-chain.md'), 'utf8');
    expect(doc).toContain('<a id="supervision"></a>');
  });
});
