// `bkdms cluster check --rpc a,b,c,d`: the consistency check of cli/consistency.ts over real nodes.
// Each node is asked for its height (GetStatus) and for the certified block at each checked height
// (GetBlock): its header hash and the state root the header carries.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { encodeBlockHeader } from '../codec/block.js';
import { decodeCertifiedBlock } from '../codec/certificate.js';
import { blockHeaderHashInput } from '../codec/signing.js';
import { toHex } from '../crypto/bytes.js';
import { sha256 } from '../crypto/hash.js';
import { checkConsistency, DEFAULT_SAMPLES, formatReport, type NodeProbe } from './consistency.js';
import type { RpcFlags } from './rpc-flags.js';
import { rpcTls } from './rpc-flags.js';

function probe(client: BkdmsClient, name: string): NodeProbe {
  return {
    name,
    height: async () => (await client.getStatus()).height,
    at: async (height) => {
      const { header } = decodeCertifiedBlock(await client.getBlock(height)).block;
      return {
        hash: toHex(sha256(blockHeaderHashInput(encodeBlockHeader(header)))),
        stateRoot: toHex(header.stateRoot),
      };
    },
  };
}

export function registerClusterCheck(cluster: Command): void {
  cluster
    .command('check')
    .description('compare block hashes and state roots across nodes; exit code 1 on a divergence')
    .requiredOption('--rpc <list>', 'comma-separated node RPC addresses (host:port,host:port,…)')
    .option('--samples <n>', 'heights sampled below the latest common one', String(DEFAULT_SAMPLES))
    .option('--tls-ca <file>', "PEM CA bundle that signs the nodes' certificates")
    .option('--tls-cert <file>', 'PEM client certificate (mutual TLS, with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--insecure', 'plaintext, no TLS (the default for loopback addresses given no --tls-* flag)')
    .option('--json', 'print JSON')
    .action(async (o: Omit<RpcFlags, 'rpc'> & { rpc: string; samples: string; json?: boolean }) => {
      const addresses = o.rpc
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (addresses.length < 2) throw new Error('--rpc needs at least two nodes');
      const samples = Number(o.samples);
      if (!Number.isInteger(samples) || samples < 0 || samples > 64) throw new Error('--samples: 0..64');
      const clients = addresses.map(
        (address) => new BkdmsClient({ address, tls: rpcTls({ ...o, rpc: address }), deadlineMs: 10_000 }),
      );
      try {
        const report = await checkConsistency(
          clients.map((c, i) => probe(c, addresses[i] as string)),
          samples,
        );
        process.stdout.write(`${o.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
        if (report.divergence !== null) process.exitCode = 1;
      } finally {
        for (const c of clients) c.close();
      }
    });
}
