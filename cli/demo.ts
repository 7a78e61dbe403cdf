// `bkdms demo` (`npm start`): the whole Y.4907 flow on one machine, with no network and no setup.
// A 4-node cluster, one smart city platform and three sampling sites in two cities feeding the
// shipped sample data (site/samples); live progress, then the quality report, an audit and three
// verified traces. Everything it writes stays in one folder, named at the start and the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { type RunningConsole, startConsoleOrFreePort } from '../console/start.js';
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import { generateKeystore } from '../crypto/keystore.js';
import { startCluster } from '../devnet/cluster.js';
import { clusterPassphrase, prepareCluster } from '../devnet/layout.js';
import { freeNodePorts } from '../devnet/ports.js';
import { parseCityCode } from '../kpi/city.js';
import { loadGenesis } from '../node/genesis.js';
import type { PlatformCounters } from '../platform/counters.js';
import {
  formatAudit,
  formatQualityTable,
  type PlatformHandle,
  parsePlatformConfig,
  runPlatform,
} from '../platform/index.js';
import { formatTrace } from '../platform/trace.js';
import { silentLogger } from '../runtime/log.js';
import { runSite } from '../site/run.js';
import type { SiteHandle } from '../site/runtime.js';
import { loadSampleManifest, type SampleSite, sampleSiteConfig } from '../site/samples/sample-sites.js';
import type { SiteRunStatus } from '../site/status.js';
import { latestThroughApi } from './demo-query.js';
import { registerXchainDemo } from './demo-xchain.js';

const hex = toHex;
let say = (line: string): void => void process.stdout.write(`${line}\n`);

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export interface DemoOptions {
  dir: string;
  nodes: number;
  /** Where the web console listens while the demo runs (a free port if taken); false: none. */
  console?: string | false;
  /** Line sink; stdout when absent. */
  print?: (line: string) => void;
}

/** What the demo did, for its end-to-end test. */
export interface DemoSummary {
  sites: { name: string; status: SiteRunStatus; expected: SampleSite['expected'] }[];
  platform: PlatformCounters;
  auditOk: boolean;
  tracesVerified: number;
}

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  if (o.print) say = o.print;
  const manifest = loadSampleManifest();
  const samples = manifest.sites;
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  say(`bkdms demo: ${o.nodes} accounting nodes, 1 smart city platform, ${samples.length} sampling sites`);
  say(`data folder: ${dir}`);

  // Keys: one per site, the platform's X25519 encryption key; the cluster makes its own.
  const clusterDir = join(dir, 'cluster');
  mkdirSync(clusterDir, { recursive: true });
  const passphrase = clusterPassphrase(clusterDir);
  const passphraseFile = join(clusterDir, 'passphrase');
  const keysDir = join(dir, 'keys');
  mkdirSync(keysDir, { recursive: true });
  const siteKeys = await Promise.all(
    samples.map((s) => generateKeystore(join(keysDir, `${s.name}.key`), 'ed25519', passphrase)),
  );
  const scpKeyPath = join(keysDir, 'platform-encryption.key');
  const scpKey = await generateKeystore(scpKeyPath, 'x25519', passphrase);
  const now = Date.now();
  const layout = await prepareCluster({
    dir: clusterDir,
    n: o.nodes,
    ports: await freeNodePorts(o.nodes),
    chainName: 'bkdms-demo',
    sites: samples.map((s, i) => ({
      publicKey: hex(siteKeys[i]!.publicKey),
      country: s.identity.country,
      city: s.identity.city,
      siteId: s.identity.siteId,
      kpis: s.kpiCodes,
    })),
    scpKeys: [
      {
        publicKey: hex(scpKey.publicKey),
        notBefore: new Date(now - 86_400_000).toISOString(),
        notAfter: new Date(now + 365 * 86_400_000).toISOString(),
      },
    ],
    params: { periodMs: 500, viewTimeoutMs: 2000, maxBlockEnvelopes: 1000 },
    tickMs: 25,
    logSpec: 'warn',
  });
  say(`starting the cluster (chain ${layout.chainId.slice(0, 16)}…)`);
  const cluster = await startCluster(layout);
  let platform: (PlatformHandle & { apiUrl?: string }) | undefined;
  let summary: DemoSummary | undefined;
  const sites: SiteHandle[] = [];
  let web: RunningConsole | undefined;
  try {
    const genesis = loadGenesis(layout.genesisPath);
    const platformConfig = parsePlatformConfig({
      name: 'demo-scp',
      dataDir: join(dir, 'platform'),
      genesis: layout.genesisPath,
      chain: { endpoints: cluster.rpc, insecure: true },
      encryptionKeys: [{ path: scpKeyPath, passphraseFile }],
      progressMs: 0,
      // The query API on a free loopback port: the demo reads it like a city application would.
      api: { listen: '127.0.0.1:0' },
    });
    platform = await runPlatform(platformConfig, { genesis, passphrase, log: silentLogger });
    if (o.console !== false && o.console !== undefined) {
      web = await startConsoleOrFreePort({
        rpc: cluster.rpc,
        mgmt: cluster.mgmt,
        genesis: layout.genesisPath,
        listen: o.console,
        tls: () => ({ insecure: true }),
        ...(platform.apiUrl ? { platform: platform.apiUrl } : {}),
      });
      say(`web console: ${web.url} (while the demo runs)`);
    }
    say('platform following the chain; sites collecting, sealing and uploading…');
    for (const [i, s] of samples.entries()) {
      const config = {
        ...sampleSiteConfig(
          s,
          {
            dataDir: join(dir, 'sites', s.name),
            keystorePath: join(keysDir, `${s.name}.key`),
            passphraseFile,
            // Each site starts with a different node; the others are its fallbacks.
            endpoints: [
              ...cluster.rpc.slice(i % cluster.rpc.length),
              ...cluster.rpc.slice(0, i % cluster.rpc.length),
            ],
            insecure: true,
            exitWhenDrained: true,
            genesisPath: layout.genesisPath,
          },
          manifest,
        ),
        progressMs: 0,
        upload: {
          maxBatch: 64,
          receiptPollMs: 250,
          maxReceiptsPerStep: 256,
          backoff: { baseMs: 100, maxMs: 2000, jitter: 0.5 },
        },
      };
      const anchor = {
        chainId: genesis.chainId,
        validators: genesis.validators,
        genesisScpKeys: genesis.scpKeys.map((k) => ({ ...k, keyId: keyIdOf(k.publicKey) })),
      };
      sites.push(await runSite(config, { passphrase, log: silentLogger, print: () => undefined, anchor }));
    }
    const client = new BkdmsClient({ address: cluster.rpc[0]!, tls: { insecure: true } });
    const progress = setInterval(() => {
      void showProgress(client, samples, sites, platform!);
    }, 1000);
    try {
      await Promise.all(sites.map((s) => s.done));
      const tip = (await client.getStatus()).height;
      await platform.waitForHeight(tip);
      await showProgress(client, samples, sites, platform);
    } finally {
      clearInterval(progress);
      client.close();
    }
    const { auditOk, tracesVerified } = await report(platform, samples, sites, dir);
    summary = {
      sites: sites.map((h, i) => ({
        name: samples[i]!.name,
        status: h.status(),
        expected: samples[i]!.expected,
      })),
      platform: { ...platform.counters },
      auditOk,
      tracesVerified,
    };
  } finally {
    await Promise.allSettled(sites.map((s) => s.stop()));
    await web?.stop();
    await platform?.stop();
    say('stopping the cluster…');
    await cluster.stop();
  }
  say(`done. Everything the demo wrote is in ${dir}`);
  return summary!;
}

async function showProgress(
  client: BkdmsClient,
  samples: SampleSite[],
  sites: SiteHandle[],
  platform: PlatformHandle,
): Promise<void> {
  let status: Awaited<ReturnType<BkdmsClient['getStatus']>> | undefined;
  try {
    status = await client.getStatus({ deadlineMs: 900 });
  } catch {
    status = undefined;
  }
  const perSite = sites
    .map((s, i) => {
      const st = s.status();
      return `${samples[i]!.name} ${st.committed}/${st.sealed}`;
    })
    .join(', ');
  const chain =
    status === undefined
      ? 'chain ?'
      : `height ${status.height} view ${status.view} peers ${status.peers.length}`;
  const c = platform.counters;
  say(`  ${chain} | committed/sealed: ${perSite} | platform: ${c.decrypted} decrypted at height ${c.height}`);
}

async function report(
  platform: PlatformHandle & { apiUrl?: string },
  samples: SampleSite[],
  sites: SiteHandle[],
  dir: string,
): Promise<{ auditOk: boolean; tracesVerified: number }> {
  say('');
  say('== sites ==');
  sites.forEach((s, i) => {
    const st = s.status();
    const drops = Object.entries(st.dropped)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    say(
      `  ${samples[i]!.name}: ${st.collected} readings, dropped ${drops || 'none'}; ${st.committed} records committed, ${st.rejected} rejected`,
    );
  });
  const quality = await platform.assess();
  writeFileSync(join(dir, 'quality-report.json'), `${JSON.stringify(quality, null, 2)}\n`);
  say('');
  say('== data quality (platform assessment; JSON in quality-report.json) ==');
  say('   (the sample readings were collected in March 2026: "lat" is collection -> commit today and');
  say('    counts the months since; "commit" is upload -> commit, the chain\'s own latency)');
  say(formatQualityTable(quality));
  const sample = samples[0];
  const city = sample === undefined ? undefined : parseCityCode(sample.identity.city).code;
  if (platform.apiUrl !== undefined && city !== undefined) {
    say('');
    say(`== query API (latest value per KPI of ${city}) ==`);
    for (const line of await latestThroughApi(platform.apiUrl, city)) say(line);
  }
  const audit = await platform.audit();
  say('');
  say('== audit ==');
  say(formatAudit(audit));
  say('');
  say('== traces (value -> record -> site -> envelope -> block -> proof -> certificate) ==');
  const shown = new Set<string>();
  let tracesVerified = 0;
  for await (const p of platform.packets()) {
    if (shown.has(p.meta.siteKeyId)) continue;
    shown.add(p.meta.siteKeyId);
    const evidence = await platform.trace(p.meta.tracingCode);
    if (evidence.verified) tracesVerified++;
    say(formatTrace(evidence));
    say('');
    if (shown.size >= 3) break;
  }
  return { auditOk: audit.findings.length === 0, tracesVerified };
}

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('run the self-contained demo: a local cluster, a platform and three sites on sample data')
    .option('--dir <dir>', 'folder for everything the demo writes', join('.bkdms', `demo-${stamp()}`))
    .option('-n, --nodes <n>', 'accounting nodes', '4')
    .option(
      '--console <host:port>',
      'where the web console listens while the demo runs (a free port if taken)',
      '127.0.0.1:8080',
    )
    .option('--no-console', 'do not start the web console')
    .action(async (opts: { dir: string; nodes: string; console: string | false }) => {
      await runDemo({ dir: opts.dir, nodes: Number(opts.nodes), console: opts.console });
    });
  registerXchainDemo(demo, stamp);
}
