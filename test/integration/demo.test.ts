// End to end (Y.4907 §8): three sites -> a 4-node chain -> the platform, on the shipped sample
// data. Every reading is accounted for: consolidated into a committed, decrypted record, or
// dropped with its reason; the audit finds nothing and the traces verify offline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-demo-'));

afterAll(() => {
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('demo end to end', () => {
  it('accounts for every reading from site to platform', async () => {
    const lines: string[] = [];
    const summary = await runDemo({ dir, nodes: 4, print: (l) => lines.push(l) });
    let records = 0;
    for (const s of summary.sites) {
      const dropped = Object.values(s.status.dropped).reduce((a, b) => a + b, 0);
      expect(s.status.consolidated + dropped, s.name).toBe(s.expected.readings);
      expect(s.status.dropped, s.name).toEqual(s.expected.drops);
      expect(s.status.committed, s.name).toBe(s.expected.records);
      expect(s.status.rejected, s.name).toBe(0);
      expect(s.status.outboxDepth, s.name).toBe(0);
      records += s.expected.records;
    }
    expect(summary.platform.packets).toBe(records);
    expect(summary.platform.decrypted).toBe(records);
    expect(summary.platform.failures).toEqual({});
    expect(summary.auditOk).toBe(true);
    expect(summary.tracesVerified).toBe(3);
    expect(lines.filter((l) => /^trace [0-9a-f]{64}: VERIFIED/.test(l))).toHaveLength(3);
    // The query API answered over HTTP with a table of the first sample city's latest values.
    const at = lines.findIndex((l) => /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/latest\?city=CHGVA$/.test(l));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^time\s+city\s+site\s+KPI[^\n]*\n\S+Z\s+CHGVA\s/);
  }, 300_000);
});
