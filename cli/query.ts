// `bkdms status` and `bkdms trace`: read-only questions to a node over RPC. A trace is verified
// here, offline, against the validator set of the genesis file given (trusting no node), or, without
// --genesis, against the set the node reports (then only as good as that node). TLS flags: rpc-flags.ts.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { SyncState } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { loadGenesis } from '../node/genesis.js';
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
  addRpcFlags(program.command('trace'))
    .description('fetch the proof bundle of a committed envelope and verify it offline')
    .argument('<tracing-code>', 'SHA-256 of the envelope, 64 hex digits')
    .option('--genesis <file>', 'genesis file whose validator set the proof must satisfy')
    .action(async (code: string, o: RpcFlags & { genesis?: string }) => {
      if (!/^[0-9a-f]{64}$/.test(code)) throw new Error('tracing code must be 64 lower-case hex digits');
      const c = client(o);
      try {
        const validators =
          o.genesis === undefined ? (await c.getStatus()).validators : loadGenesis(o.genesis).validators;
        const tc = Buffer.from(code, 'hex');
        const bundle = await c.trace(tc);
        const v = await c.traceVerified(tc, validators);
        const out = {
          tracingCode: code,
          verified: true,
          trustedValidators: o.genesis === undefined ? 'as reported by the node' : `genesis ${o.genesis}`,
          height: bundle.height,
          blockHash: hex(v.blockHash),
          blockTime: new Date(v.header.time).toISOString(),
          leafIndex: bundle.leafIndex,
          merklePath: bundle.proof.map(hex),
          certificateBytes: bundle.certificate.length,
          envelopeBytes: v.envelope.length,
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } finally {
        c.close();
      }
    });
}
