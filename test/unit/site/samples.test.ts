// The shipped sample data run through a whole site (fake chain): every reading ends consolidated
// or dropped with the reason sites.json promises, and each hourly period gives one record.
import { describe, expect, it } from 'vitest';
import { kpiNormalizer } from '../../../site/kpi-normalizer.js';
import { siteIdentity } from '../../../site/run.js';
import { startSite } from '../../../site/runtime.js';
import { loadSampleManifest, sampleSiteConfig } from '../../../site/samples/sample-sites.js';
import { sourceFromConfig } from '../../../site/sources/from-config.js';
import { droppedTotal } from '../../../site/status.js';
import { AutoChain, FakeMaker, fastOptions, noLog, tempDir } from './helpers.js';

const manifest = loadSampleManifest();

describe('sample data', () => {
  it('ships three sites in two cities', () => {
    expect(manifest.sites).toHaveLength(3);
    expect(new Set(manifest.sites.map((s) => s.identity.city)).size).toBe(2);
  });

  for (const s of manifest.sites) {
    it(`${s.name}: every reading is consolidated or dropped as sites.json says`, async () => {
      const config = sampleSiteConfig(s, {
        dataDir: 'unused',
        keystorePath: 'unused',
        endpoints: ['unused:1'],
        insecure: true,
        exitWhenDrained: true,
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
