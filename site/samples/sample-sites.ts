// The shipped sample sites as site configs, for the demo and end-to-end tests: reads sites.json
// (written by generate.ts) and fills in what depends on the run (data folder, keystore, nodes).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSiteConfig, type SiteConfig } from '../config.js';

export interface SampleSite {
  name: string;
  identity: { country: number; city: string; siteId: string };
  /** Wire codes to register the site for. */
  kpiCodes: number[];
  /** Source config, its path relative to the samples folder. */
  source: Record<string, unknown> & { path: string };
  /** With one-hour periods: rows or lines read, records sealed, drops by reason. */
  expected: { readings: number; records: number; drops: Record<string, number> };
}

export interface SampleManifest {
  start: string;
  hours: number;
  periodMs: number;
  sites: SampleSite[];
}

/** site/samples in the source tree, whether running from sources (vitest) or from build/. */
export function samplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [here, resolve(here, '..', '..', '..', 'site', 'samples')];
  const found = candidates.find((d) => existsSync(join(d, 'sites.json')));
  if (found === undefined) throw new Error(`site/samples/sites.json not found from ${here}`);
  return found;
}

export function loadSampleManifest(): SampleManifest {
  return JSON.parse(readFileSync(join(samplesDir(), 'sites.json'), 'utf8')) as SampleManifest;
}

export interface SampleRun {
  dataDir: string;
  keystorePath: string;
  passphraseFile?: string;
  /** host:port of the nodes' RPC ports. */
  endpoints: string[];
  /** The chain's genesis file: the site's trust anchor. */
  genesisPath?: string;
  insecure: boolean;
  /** Stop once everything is committed (the demo). */
  exitWhenDrained: boolean;
}

/** A validated config that runs one sample site in one-hour periods. */
export function sampleSiteConfig(
  site: SampleSite,
  run: SampleRun,
  manifest = loadSampleManifest(),
): SiteConfig {
  return parseSiteConfig({
    name: site.name,
    dataDir: run.dataDir,
    keystore: {
      path: run.keystorePath,
      ...(run.passphraseFile ? { passphraseFile: run.passphraseFile } : {}),
    },
    identity: site.identity,
    chain: {
      endpoints: run.endpoints,
      insecure: run.insecure,
      ...(run.genesisPath ? { genesis: run.genesisPath } : {}),
    },
    sources: [{ ...site.source, path: join(samplesDir(), site.source.path) }],
    periodMs: manifest.periodMs,
    closeAfterMs: 0,
    exitWhenDrained: run.exitWhenDrained,
  });
}
