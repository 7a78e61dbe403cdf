// `bkdms demo xchain` (`npm run demo:xchain`): two small chains on this machine, a city chain A
// (Geneva) and a regional chain B; B's administrators register a light client of A, a relayer
// brings A's certified headers, one of A's air-quality envelopes is imported on B, and the
// two-chain trace is fetched from B and verified offline against both genesis files.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { fetchXchainTrace } from '../api/xchain-trace-fetch.js';
import { encodeXchainTraceFile } from '../api/xchain-trace-file.js';
import { decodeCertifiedBlock } from '../codec/certificate.js';
import { toHex } from '../crypto/bytes.js';
import { generateEd25519 } from '../crypto/ed25519.js';
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

export interface XchainDemoSummary {
  report: XchainTraceReport;
  bundlePath: string;
  genesisA: string;
  genesisB: string;
}

const CLIENT_ID = 1;

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
  say(`bkdms cross-chain demo: city chain A (Geneva) and regional chain B, ${o.nodes} node(s) each`);
  say(`data folder: ${dir}`);
  const started = await Promise.allSettled([startChain(dir, 'a', o.nodes), startChain(dir, 'b', o.nodes)]);
  const chains = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [a, b] = chains as [Chain, Chain];
    say(`chain A ${a.layout.chainId.slice(0, 16)}…, chain B ${b.layout.chainId.slice(0, 16)}…: running`);

    await uploadCommitted(a);
    const trusted = (await a.client.getHeaders({ fromHeight: 1, toHeight: 1, maxCount: 1 })).headers[0]!;
    const relayerKey = generateEd25519();
    const admin = new Admin(b.client, {
      chainId: Buffer.from(b.layout.chainId, 'hex'),
      key: await clusterAdminKey(b.layout),
      receiptPollMs: 100,
    });
    const reg = await admin.propose({
      type: 'registerCounterparty',
      clientId: CLIENT_ID,
      trustedHeader: trusted.header,
      validators: (await a.client.getStatus()).validators,
      trustingPeriodMs: 14 * 86_400_000,
      maxClockDriftMs: 10_000,
      relayers: [relayerKey.publicKey],
    });
    say(
      `B's administrators registered light client ${CLIENT_ID} of A at A's block 1 (B block ${reg.height})`,
    );

    const fact = await uploadCommitted(a);
    await uploadCommitted(a);
    say(`A committed the Geneva air-quality envelope ${toHex(fact)}`);
    const signer = new Admin(b.client, { chainId: Buffer.from(b.layout.chainId, 'hex'), key: relayerKey });
    const relayer = new Relayer({
      clientId: CLIENT_ID,
      sources: [a.client],
      dest: b.client,
      sign: (c) => signer.buildCall(c),
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      receiptTimeoutMs: 30_000,
    });
    const out = await importFact(relayer, a.client, CLIENT_ID, fact, true);
    if (out.kind !== 'submitted' || out.result !== '') throw new Error(`fact import: ${JSON.stringify(out)}`);
    say(
      `relayer: A's header ${out.anchorHeight} brought to B; fact of A's block ${out.remoteHeight} recorded on B`,
    );
    // B proves its state one block behind its tip: one more block of B makes the fact provable.
    await uploadCommitted(b);

    const bundle = await fetchXchainTrace(b.client, CLIENT_ID, fact);
    const bundlePath = join(dir, 'xchain-trace.bin');
    writeFileSync(bundlePath, encodeXchainTraceFile(bundle));
    const report = checkXchainBundle(
      bundle,
      fact,
      loadTrustAnchor({ genesis: b.layout.genesisPath }),
      loadTrustAnchor({ genesis: a.layout.genesisPath }),
    );
    say('');
    say("== the fact's trace on chain B: both chains' evidence, verified offline ==");
    say(formatXchainReport(report));
    say('check it again with no network:');
    say(
      `  bkdms verify ${bundlePath} --genesis ${b.layout.genesisPath} --remote-genesis ${a.layout.genesisPath}`,
    );
    return { report, bundlePath, genesisA: a.layout.genesisPath, genesisB: b.layout.genesisPath };
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
      'the cross-chain demo: two small chains, a relayer, one fact imported and its two-chain trace verified',
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
      const { report } = await runXchainDemo({ dir: pick('dir'), nodes: Number(pick('nodes')) });
      if (!report.verified) process.exitCode = 1;
    });
}
