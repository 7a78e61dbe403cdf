// The shipped sample data run through a whole site (fake chain): every reading ends consolidated
// or dropped with the reason sites.json promises, and each hourly period gives one record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../site/config.js';
import { kpiNormalizer } from '../../../site/kpi-normalizer.js';
import { siteIdentity } from '../../../site/run.js';
import { startSite } from '../../../site/runtime.js';
import { sourceFromConfig } from '../../../site/sources/from-config.js';
import { droppedTotal } from '../../../site/status.js';
import { AutoChain, FakeMaker, fastOptions, noLog, tempDir } from './helpers.js';

const samples = join(process.cwd(), 'site', 'samples');
const manifest = JSON.parse(readFileSync(join(samples, 'sites.json'), 'utf8')) as {
  periodMs: number;
  sites: {
    name: string;
    identity: { country: number; city: string; siteId: string };
    source: { path: string } & Record<string, unknown>;
    expected: { readings: number; records: number; drops: Record<string, number> };
  }[];
};

describe('sample data', () => {
  it('ships three sites in two cities', () => {
    expect(manifest.sites).toHaveLength(3);
    expect(new Set(manifest.sites.map((s) => s.identity.city)).size).toBe(2);
  });

  for (const s of manifest.sites) {
    it(`${s.name}: every reading is consolidated or dropped as sites.json says`, async () => {
      const config = parseSiteConfig({
        name: s.name,
        dataDir: 'unused',
        keystore: { path: 'unused' },
        identity: s.identity,
        chain: { endpoints: ['unused:1'] },
        sources: [{ ...s.source, path: join(samples, s.source.path) }],
      });
      const chain = new AutoChain();
      const start = Date.now();
      const site = await startSite(
        {
          makeSources: () => config.sources.map((c) => sourceFromConfig(c, undefined)),
          normalizer: kpiNormalizer(),
          maker: new FakeMaker(),
          uploader: chain,
          identity: siteIdentity(config.identity),
        },
        fastOptions(tempDir(), manifest.periodMs, 64),
        { now: () => Date.UTC(2026, 3, 1) + Date.now() - start, rand: Math.random, log: noLog },
      );
      await site.done;
      const st = site.status();
      expect(st.dropped).toEqual(s.expected.drops);
      expect(st.sealed).toBe(s.expected.records);
      expect(chain.committedSeqs()).toHaveLength(s.expected.records);
      expect(st.consolidated + droppedTotal(st)).toBe(s.expected.readings);
    });
  }
});
