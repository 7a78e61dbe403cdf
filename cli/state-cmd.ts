// `bkdms state <key>`: one contract-state key or list group, proven by the node and verified here
// against the chain ID and validator set of the genesis file given, so no node is trusted. The
// proven state is the one the node's newest certified header commits to (one block behind its tip).
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { toHex } from '../crypto/bytes.js';
import { loadGenesis } from '../node/genesis.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

const dec = new TextDecoder();

export function registerStateCommand(program: Command): void {
  addRpcFlags(program.command('state'))
    .description(
      'read a contract-state key (gov/params, gov/validators, gov/admins, site/<key id>, ...) or a list group ' +
        '(scp/, gov/proposal/) with its proof, verified against the genesis chain ID and validators; prints JSON',
    )
    .argument('<key>', 'contract-state key or group prefix, printable ASCII')
    .requiredOption('--genesis <file>', 'genesis file: the chain ID and validator set the proof must satisfy')
    .action(async (key: string, o: RpcFlags & { genesis: string }) => {
      const g = loadGenesis(o.genesis);
      const c = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 5000 });
      try {
        const v = await c.getStateVerified(key, { chainId: g.chainId, validators: g.validators });
        const out = {
          key,
          verified: true,
          stateAfterHeight: v.height,
          header: {
            height: v.header.height,
            blockHash: toHex(v.blockHash),
            time: new Date(v.header.time).toISOString(),
          },
          entries: v.entries.map((e) => ({ key: e.key, value: JSON.parse(dec.decode(e.value)) as unknown })),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } finally {
        c.close();
      }
    });
}
