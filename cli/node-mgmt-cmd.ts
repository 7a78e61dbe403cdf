// `bkdms node info | peers | top | log-level | backup`: the management service of a node over its RPC port
// (api/management.proto), with the same TLS flags as `bkdms status` (rpc-flags.ts). Reads print a
// short text view, or JSON with --json; `log-level` and `backup` act on the node and are signed with an
// administrator's keystore (--admin-key; passphrase from --passphrase-file or BKDMS_ADMIN_PASSPHRASE).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ManagementClient } from '../api/management-client.js';
import type { NodeInfo, NodeSample, PeerLink } from '../api/management-types.js';
import { type AdminFlags, addAdminFlags, adminKeyOf } from './admin-flags.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

type ReadFlags = RpcFlags & { json?: boolean };

function client(o: RpcFlags): ManagementClient {
  return new ManagementClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 10_000 });
}

async function withClient(o: RpcFlags, fn: (c: ManagementClient) => Promise<void>): Promise<void> {
  const c = client(o);
  try {
    await fn(c);
  } finally {
    c.close();
  }
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};
const mib = (n: number): string => `${(n / 1024 ** 2).toFixed(1)} MiB`;
const gib = (n: number): string => `${(n / 1024 ** 3).toFixed(1)} GiB`;
/** Bytes in the largest unit that keeps a number of at least 1. */
export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return gib(n);
}

export function formatInfo(i: NodeInfo): string {
  const id = i.identity;
  const s = i.sync;
  return [
    `peer ID     ${id.peerId}`,
    `validator   ${id.validatorIndex >= 0 ? id.validatorIndex : 'no'}${id.org ? `  (org ${id.org})` : ''}`,
    `software    bkdms ${i.software.version} (${i.software.commit.slice(0, 12)}), node ${i.software.node}, libp2p ${i.software.libp2p}, grpc-js ${i.software.grpcJs}, classic-level ${i.software.classicLevel}`,
    `hardware    ${i.hardware.cpuCores} x ${i.hardware.cpuModel}, ${gib(i.hardware.memoryTotalBytes)} memory, disk ${gib(i.hardware.diskFreeBytes)} free of ${gib(i.hardware.diskTotalBytes)}, ${i.hardware.os} ${i.hardware.arch}`,
    `config      sha256 ${i.config.sha256}`,
    `chain       height ${s.height}, block ${s.latestBlockHash.slice(0, 16)}… at ${s.latestBlockTime ? new Date(s.latestBlockTime).toISOString() : '-'}, ${s.catchingUp ? 'catching up' : 'in sync'}, view ${s.view}, bodies from ${s.earliestHeight ?? 1}`,
  ].join('\n');
}

export function formatPeers(peers: readonly PeerLink[]): string {
  const head = ['peer', 'idx', 'state', 'dir', 'address', 'up', 'sent', 'recv', 'rtt ms', 'avg ms', 'height'];
  const rows = peers.map((p) => [
    `${p.peerId.slice(0, 8)}…${p.peerId.slice(-6)}`,
    p.validatorIndex >= 0 ? String(p.validatorIndex) : '-',
    p.state.toLowerCase(),
    p.direction.toLowerCase() || '-',
    p.remoteAddress,
    p.connectedSince ? `${Math.round((Date.now() - p.connectedSince) / 1000)}s` : '-',
    p.state === 'CONNECTED' ? `${bytes(p.bytesSent)} ${bytes(p.sendRateBps)}/s` : '-',
    p.state === 'CONNECTED' ? `${bytes(p.bytesReceived)} ${bytes(p.receiveRateBps)}/s` : '-',
    p.rttMs ? p.rttMs.toFixed(2) : '-',
    p.rttAvgMs ? p.rttAvgMs.toFixed(2) : '-',
    p.reportedHeight >= 0 ? String(p.reportedHeight) : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatSample(s: NodeSample): string {
  return [
    `${new Date(s.time).toISOString()}  height ${s.height}  mempool ${s.mempoolEnvelopes}`,
    `cpu host ${(s.hostCpu * 100).toFixed(1)}%  process ${(s.processCpu * 100).toFixed(1)}% of a core`,
    `memory rss ${mib(s.rssBytes)}  heap ${mib(s.heapUsedBytes)} / ${mib(s.heapTotalBytes)}  host free ${mib(s.memoryFreeBytes)}`,
    `data ${bytes(s.dataBytes)}  growth ${bytes(s.dataGrowthBps)}/s  disk free ${gib(s.diskFreeBytes)}`,
    '',
    formatPeers(s.peers),
  ].join('\n');
}

export function registerNodeMgmtCommands(program: Command): void {
  const node = program.commands.find((c) => c.name() === 'node') ?? program.command('node');
  node.description('run an accounting node, or ask a running one about itself (info, peers, top, log-level)');
  addRpcFlags(node.command('info'))
    .description("a node's identity, software, hardware, configuration (secrets redacted) and sync state")
    .option('--json', 'print JSON')
    .action((o: ReadFlags) =>
      withClient(o, async (c) => {
        const info = await c.getNodeInfo();
        out(o.json ? JSON.stringify(info, null, 2) : formatInfo(info));
      }),
    );
  addRpcFlags(node.command('peers'))
    .description(
      "a node's links: direction, age, bytes and rates, ping RTT, reported height; configured peers that are down",
    )
    .option('--json', 'print JSON')
    .action((o: ReadFlags) =>
      withClient(o, async (c) => {
        const list = await c.listPeers();
        out(o.json ? JSON.stringify(list, null, 2) : formatPeers(list.peers));
      }),
    );
  addRpcFlags(node.command('top'))
    .description(
      "a node's performance, live: CPU, memory, data folder, per-peer RTT and traffic (one sample a second)",
    )
    .option('--json', 'print one JSON line per sample')
    .option('--count <n>', 'stop after n samples', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error('--count must be a positive integer');
      return n;
    })
    .action((o: ReadFlags & { count?: number }) =>
      withClient(o, async (c) => {
        const abort = new AbortController();
        const onSignal = (): void => abort.abort();
        process.once('SIGINT', onSignal);
        const redraw = !o.json && process.stdout.isTTY === true;
        try {
          for await (const s of c.watchNode(o.count ?? 0, abort.signal)) {
            if (o.json) out(JSON.stringify(s));
            else out(`${redraw ? '\x1b[H\x1b[2J' : ''}${formatSample(s)}${redraw ? '' : '\n'}`);
          }
        } finally {
          process.off('SIGINT', onSignal);
        }
      }),
    );
  addAdminFlags(addRpcFlags(node.command('log-level')))
    .description("change a node's log levels at run time (admin only), e.g. info,p2p=debug")
    .argument('<spec>', 'log spec: level[,module=level]*')
    .option('--json', 'print JSON')
    .action((spec: string, o: ReadFlags & AdminFlags) =>
      withClient(o, async (c) => {
        const res = await c.setLogLevel(spec, await adminKeyOf(o));
        out(o.json ? JSON.stringify(res) : `log spec now ${res.spec} (by ${res.admin})`);
      }),
    );
  addAdminFlags(addRpcFlags(node.command('backup')))
    .description(
      'have a RUNNING node write a backup of its data folder, consistent at one height, while it goes on committing (admin only)',
    )
    .requiredOption(
      '--to <file.tar.gz>',
      "archive to write, on the node's machine (a relative path is taken from this folder); must not exist",
    )
    .option('--timeout <seconds>', 'how long to wait for the node', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error('--timeout must be a positive number of seconds');
      return n;
    })
    .option('--json', 'print the result and the manifest as JSON')
    .action((o: ReadFlags & AdminFlags & { to: string; timeout?: number }) =>
      withClient(o, async (c) => {
        const path = resolve(o.to);
        const admin = await adminKeyOf(o);
        process.stderr.write(`backup: the node is writing ${path} (its log has the progress lines)\n`);
        const r = await c.backupNode(path, admin, (o.timeout ?? 3600) * 1000);
        if (o.json)
          return out(
            JSON.stringify({ ...r, manifest: JSON.parse(r.manifestJson), manifestJson: undefined }, null, 2),
          );
        out(
          `backup ${r.path}: chain ${r.chainId.slice(0, 16)}… at height ${r.height} (bodies from ${r.earliestHeight}), ` +
            `${bytes(r.archiveBytes)} in ${(r.durationMs / 1000).toFixed(1)} s, by ${r.admin}; check it with bkdms backup verify`,
        );
      }),
    );
}
