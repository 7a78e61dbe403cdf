// `bkdms status`: a read-only question to a node over RPC (`bkdms trace` is in trace-cmd.ts).
// TLS flags: rpc-flags.ts.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { SyncState } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

const hex = toHex;

function client(o: RpcFlags): BkdmsClient {
  return new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 5000 });
}

export function registerQueryCommands(program: Command): void {
  addRpcFlags(program.command('status'))
    .description("print a node's status: height, view, primary, validators, peers, mempool")
    .action(async (o: RpcFlags) => {
      const c = client(o);
      try {
        const s = await c.getStatus();
        const out = {
          chainId: hex(s.chainId),
          height: s.height,
          earliestHeight: s.earliestHeight,
          lastBlockHash: hex(s.lastBlockHash),
          view: s.view,
          primary: s.primary,
          selfIndex: s.selfIndex,
          sync: SyncState[s.syncState],
          validators: s.validators.map(hex),
          peers: s.peers,
          mempool: { envelopes: s.mempoolEnvelopes, bytes: s.mempoolBytes },
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } finally {
        c.close();
      }
    });
}
