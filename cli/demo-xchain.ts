// `bkdms demo xchain` (`npm run demo:xchain`): three small chains on this machine, two city chains
// A (Geneva) and C (Shanghai) and a regional chain B; B's administrators register a light client
// of each city chain, one relayer per client brings that city's certified headers, one
// air-quality envelope of each city is imported on B, and each two-chain trace is fetched from B
// and verified offline against both genesis files.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { fetchXchainTrace } from '../api/xchain-trace-fetch.js';
import { encodeXchainTraceFile } from '../api/xchain-trace-file.js';
import { decodeCertifiedBlock } from '../codec/certificate.js';
import { toHex } from '../crypto/bytes.js';
import { type Ed25519KeyPair, generateEd25519 } from '../crypto/ed25519.js';
import { tracingCode } from '../crypto/hash.js';
import { generateX25519, type X25519KeyPair } from '../crypto/x25519.js';
import { type RunningCluster, startCluster } from '../devnet/cluster.js';
import { type ClusterLayout, clusterAdminKey, prepareCluster } from '../devnet/layout.js';
import { freeNodePorts } from '../devnet/ports.js';
import { Admin } from '../platform/admin.js';
import { importFact } from '../platform/relay/fact-import.js';
import { Relayer } from '../platform/relay/relayer.js';
import { genesisSites, type SyntheticSite, syntheticEnvelope, syntheticSites } from '../testkit/envelopes.js';
import { loadTrustAnchor } from './trust-anchor.js';
import { checkXchainBundle, formatXchainReport, type XchainTraceReport } from './xchain-trace-report.js';

export interface XchainDemoOptions {
  dir: string;
  nodes: number;
  print?: (line: string) => void;
}

/** One city chain's fact as the region chain traced it. */
export interface CityFact {
  city: string;
  /** The region chain's light client of this city's chain. */
  clientId: number;
  report: XchainTraceReport;
  bundlePath: string;
  genesis: string;
}

export interface XchainDemoSummary {
  /** The first city's (Geneva's) trace, bundle and genesis file. */
  report: XchainTraceReport;
  bundlePath: string;
  genesisA: string;
  genesisB: string;
  /** Every city's, Geneva's first. */
  cities: CityFact[];
}

/** The city chains feeding the region: folder, name, the region's client ID, the saved bundle. */
const CITIES = [
  { folder: 'a', city: 'Geneva', clientId: 1, bundle: 'xchain-trace.bin' },
  { folder: 'c', city: 'Shanghai', clientId: 2, bundle: 'xchain-trace-shanghai.bin' },
] as const;

interface Chain {
  name: string;
  layout: ClusterLayout;
  running: RunningCluster;
  client: BkdmsClient;
  site: SyntheticSite;
  scp: X25519KeyPair;
  seq: number;
}

async function startChain(dir: string, name: string, nodes: number): Promise<Chain> {
  const [site] = syntheticSites(1) as [SyntheticSite];
  const scp = generateX25519();
  const now = Date.now();
  const layout = await prepareCluster({
    dir: join(dir, name),
    n: nodes,
    ports: await freeNodePorts(nodes),
    chainName: `bkdms-demo-${name}`,
    sites: genesisSites([site]),
    scpKeys: [
      {
        publicKey: toHex(scp.publicKey),
        notBefore: new Date(now - 3_600_000).toISOString(),
        notAfter: new Date(now + 86_400_000).toISOString(),
      },
    ],
    params: { periodMs: 200, viewTimeoutMs: 2000, maxBlockEnvelopes: 1000 },
    tickMs: 25,
    logSpec: 'warn',
  });
  const running = await startCluster(layout);
  const client = new BkdmsClient({ address: running.rpc[0]!, tls: { insecure: true }, deadlineMs: 30_000 });
  return { name, layout, running, client, site, scp, seq: 0 };
}

/** Uploads one envelope of the chain's site and resolves with its tracing code once committed. */
async function uploadCommitted(c: Chain): Promise<Uint8Array> {
  const env = syntheticEnvelope(
    c.site,
    Buffer.from(c.layout.chainId, 'hex'),
    c.scp.publicKey,
    ++c.seq,
    Date.now(),
  );
  const tc = tracingCode(env);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 120_000);
  try {
    const blocks = c.client.subscribeBlocks(1, ac.signal);
    await c.client.upload(env);
    for await (const ev of blocks) {
      const block = decodeCertifiedBlock(ev.certifiedBlock).block;
      if (block.envelopes.some((e) => toHex(tracingCode(e)) === toHex(tc))) return tc;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`chain ${c.name} did not commit envelope ${toHex(tc)} within 120 s`);
}

export async function runXchainDemo(o: XchainDemoOptions): Promise<XchainDemoSummary> {
  const say = o.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const dir = resolve(o.dir);
  say(
    `bkdms cross-chain demo: city chains A (Geneva) and C (Shanghai) feeding regional chain B, ${o.nodes} node(s) each`,
  );
  say(`data folder: ${dir}`);
  const started = await Promise.allSettled([
    ...CITIES.map((c) => startChain(dir, c.folder, o.nodes)),
    startChain(dir, 'b', o.nodes),
  ]);
  const chains = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const b = chains[CITIES.length]!;
    const cityChains = chains.slice(0, CITIES.length);
    say(
      `${CITIES.map((c, i) => `chain ${c.folder.toUpperCase()} (${c.city}) ${cityChains[i]!.layout.chainId.slice(0, 16)}…`).join(', ')}, regional chain B ${b.layout.chainId.slice(0, 16)}…: running`,
    );
    const admin = new Admin(b.client, {
      chainId: Buffer.from(b.layout.chainId, 'hex'),
      key: await clusterAdminKey(b.layout),
      receiptPollMs: 100,
    });

    // One light client per city on B, registered one after the other by B's administrator, each
    // listing its own relayer key only.
    const registered: {
      spec: (typeof CITIES)[number];
      a: Chain;
      fact: Uint8Array;
      relayerKey: Ed25519KeyPair;
    }[] = [];
    for (const [i, spec] of CITIES.entries()) {
      const a = cityChains[i]!;
      const label = `${spec.city} (chain ${spec.folder.toUpperCase()})`;
      await uploadCommitted(a);
      const trusted = (await a.client.getHeaders({ fromHeight: 1, toHeight: 1, maxCount: 1 })).headers[0]!;
      const relayerKey = generateEd25519();
      const reg = await admin.propose({
        type: 'registerCounterparty',
        clientId: spec.clientId,
        trustedHeader: trusted.header,
        validators: (await a.client.getStatus()).validators,
        trustingPeriodMs: 14 * 86_400_000,
        maxClockDriftMs: 10_000,
        relayers: [relayerKey.publicKey],
      });
      say(
        `B's administrators registered light client ${spec.clientId} of ${label} at its block 1 (B block ${reg.height})`,
      );
      const fact = await uploadCommitted(a);
      await uploadCommitted(a);
      say(`${label} committed the air-quality envelope ${toHex(fact)}`);
      registered.push({ spec, a, fact, relayerKey });
    }
    // The two relayers run side by side, each carrying its city's header and fact to B.
    const cities = await Promise.all(
      registered.map(async ({ spec, a, fact, relayerKey }) => {
        const signer = new Admin(b.client, {
          chainId: Buffer.from(b.layout.chainId, 'hex'),
          key: relayerKey,
        });
        const relayer = new Relayer({
          clientId: spec.clientId,
          sources: [a.client],
          dest: b.client,
          sign: (c) => signer.buildCall(c),
          now: Date.now,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          receiptTimeoutMs: 30_000,
        });
        const out = await importFact(relayer, a.client, spec.clientId, fact, true);
        if (out.kind !== 'submitted' || out.result !== '')
          throw new Error(`fact import from ${spec.city}: ${JSON.stringify(out)}`);
        say(
          `relayer of client ${spec.clientId}: ${spec.city}'s header ${out.anchorHeight} brought to B; fact of its block ${out.remoteHeight} recorded on B`,
        );
        return { spec, a, fact };
      }),
    );
    // B proves its state one block behind its tip: one more block of B makes the facts provable.
    await uploadCommitted(b);

    const facts: CityFact[] = [];
    for (const { spec, a, fact } of cities) {
      const bundle = await fetchXchainTrace(b.client, spec.clientId, fact);
      const bundlePath = join(dir, spec.bundle);
      writeFileSync(bundlePath, encodeXchainTraceFile(bundle));
      const report = checkXchainBundle(
        bundle,
        fact,
        loadTrustAnchor({ genesis: b.layout.genesisPath }),
        loadTrustAnchor({ genesis: a.layout.genesisPath }),
      );
      say('');
      say(`== ${spec.city}'s fact traced on chain B: both chains' evidence, verified offline ==`);
      say(formatXchainReport(report));
      say('check it again with no network:');
      say(
        `  bkdms verify ${bundlePath} --genesis ${b.layout.genesisPath} --remote-genesis ${a.layout.genesisPath}`,
      );
      facts.push({
        city: spec.city,
        clientId: spec.clientId,
        report,
        bundlePath,
        genesis: a.layout.genesisPath,
      });
    }
    const [first] = facts as [CityFact];
    return {
      report: first.report,
      bundlePath: first.bundlePath,
      genesisA: first.genesis,
      genesisB: b.layout.genesisPath,
      cities: facts,
    };
  } finally {
    for (const c of chains) c.client.close();
    await Promise.all(chains.map((c) => c.running.stop()));
    say(`stopped; everything is in ${dir}`);
  }
}

export function registerXchainDemo(demo: Command, stamp: () => string): void {
  demo
    .command('xchain')
    .description(
      'the cross-chain demo: two city chains feeding a regional chain, a relayer each, one fact of each imported and its two-chain trace verified',
    )
    .option('--dir <dir>', 'folder for everything the demo writes', join('.bkdms', `demo-xchain-${stamp()}`))
    .option('-n, --nodes <n>', 'accounting nodes per chain', '4')
    .action(async (_opts: unknown, cmd: Command) => {
      // `demo` has --dir and --nodes of its own and takes them wherever they stand on the line:
      // a value given there wins over this command's default.
      const pick = (k: 'dir' | 'nodes'): string =>
        cmd.getOptionValueSource(k) !== 'cli' && demo.getOptionValueSource(k) === 'cli'
          ? String(demo.getOptionValue(k))
          : String(cmd.getOptionValue(k));
      const { cities } = await runXchainDemo({ dir: pick('dir'), nodes: Number(pick('nodes')) });
      if (!cities.every((c) => c.report.verified)) process.exitCode = 1;
    });
}
