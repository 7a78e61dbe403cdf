// Test clusters: real node processes (compiled CLI) on 127.0.0.1 with OS-assigned free ports, in a
// temporary folder, with synthetic sites and an SCP key registered in genesis.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BkdmsClient } from '../../api/client.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { generateX25519, type X25519KeyPair } from '../../crypto/x25519.js';
import { type RunningCluster, type StartOptions, startCluster } from '../../devnet/cluster.js';
import { type ClusterSpec, prepareCluster } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { genesisSites, type SyntheticSite, syntheticSites } from '../../testkit/envelopes.js';

export interface TestCluster extends RunningCluster {
  dir: string;
  chainId: Uint8Array;
  sites: SyntheticSite[];
  scp: X25519KeyPair;
  validators: Uint8Array[];
  client(i: number): BkdmsClient;
  dispose(): Promise<void>;
}

export interface TestClusterOptions {
  /** Network timings of every node (a fault test shortens the dial and ping timeouts). */
  p2p?: ClusterSpec['p2p'];
  /** Fault management of every node (a fault test shortens the hold times). */
  alarms?: ClusterSpec['alarms'];
  /** Retention, state sync, observers of every node (devnet/layout.ts ClusterSpec.extra). */
  extra?: ClusterSpec['extra'];
  /** Chain parameters besides the test defaults (periodMs 200, viewTimeoutMs 1500). */
  params?: ClusterSpec['params'];
  /** Environment and `node start` arguments of one node (devnet/cluster.ts). */
  perNode?: StartOptions['perNode'];
  /** The SCP key registered in genesis (a platform's, read from its keystore); a new one by default. */
  scp?: X25519KeyPair;
}

export async function startTestCluster(
  n: number,
  siteCount: number,
  opts: TestClusterOptions = {},
): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'bkdms-it-'));
  const sites = syntheticSites(siteCount);
  const scp = opts.scp ?? generateX25519();
  const now = Date.now();
  const layout = await prepareCluster({
    dir,
    n,
    ports: await freeNodePorts(n),
    sites: genesisSites(sites),
    scpKeys: [
      {
        publicKey: Buffer.from(scp.publicKey).toString('hex'),
        notBefore: new Date(now - 3600_000).toISOString(),
        notAfter: new Date(now + 3600_000).toISOString(),
      },
    ],
    params: { periodMs: 200, viewTimeoutMs: 1500, maxBlockEnvelopes: 2000, ...opts.params },
    tickMs: 20,
    logSpec: process.env.BKDMS_TEST_LOG ?? 'warn',
    p2p: opts.p2p,
    alarms: opts.alarms,
    extra: opts.extra,
  });
  const running = await startCluster(layout, { perNode: opts.perNode });
  const clients = new Map<number, BkdmsClient>();
  return {
    ...running,
    dir,
    chainId: Buffer.from(layout.chainId, 'hex'),
    sites,
    scp,
    validators: layout.nodes.map((x) => Buffer.from(x.publicKey, 'hex')),
    client(i) {
      let c = clients.get(i);
      if (c === undefined) {
        c = new BkdmsClient({ address: running.rpc[i]!, tls: { insecure: true }, deadlineMs: 60_000 });
        clients.set(i, c);
      }
      return c;
    },
    async dispose() {
      for (const c of clients.values()) c.close();
      await running.stop();
      if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when node i's chain reaches `height`, following its block stream (no polling). */
export async function waitForHeight(
  c: TestCluster,
  i: number,
  height: number,
  timeoutMs = 60_000,
): Promise<void> {
  return waitForClientHeight(c.client(i), height, timeoutMs, `node ${i}`);
}

/** waitForHeight for any node's client (one outside the cluster's list, say). */
export async function waitForClientHeight(
  client: BkdmsClient,
  height: number,
  timeoutMs = 60_000,
  who = 'the node',
): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    for await (const ev of client.subscribeBlocks(1, ac.signal)) if (ev.height >= height) return;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`${who} did not reach height ${height} within ${timeoutMs} ms`);
}

/** Follows node i's blocks until `count` envelopes have committed; returns the height reached. */
export async function waitForEnvelopes(
  c: TestCluster,
  i: number,
  count: number,
  timeoutMs = 120_000,
): Promise<number> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  let seen = 0;
  try {
    for await (const ev of c.client(i).subscribeBlocks(1, ac.signal)) {
      seen += decodeCertifiedBlock(ev.certifiedBlock).block.envelopes.length;
      if (seen >= count) return ev.height;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`node ${i} committed ${seen} of ${count} envelopes within ${timeoutMs} ms`);
}
