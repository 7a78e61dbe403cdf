// `bkdms state <key>`: one contract-state key or list group, proven by the node and verified here
// against the chain ID and validator set of the trust anchor given (genesis or pinned chain file), so no node is trusted. The
// proven state is the one the node's newest certified header commits to (one block behind its tip).
// Validator sets after the anchor's are followed by a light client (api/light-client.ts): each change
// proven by a certificate of the set before it, so the read verifies after validator changes too.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { LightClient } from '../api/light-client.js';
import { toHex } from '../crypto/bytes.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';
import { type AnchorFlags, loadTrustAnchor } from './trust-anchor.js';

const dec = new TextDecoder();

export function registerStateCommand(program: Command): void {
  addRpcFlags(program.command('state'))
    .description(
      'read a contract-state key (gov/params, gov/validators, gov/admins, site/<key id>, ...) or a list group ' +
        '(scp/, gov/proposal/) with its proof, verified against the genesis chain ID and validators; prints JSON',
    )
    .argument('<key>', 'contract-state key or group prefix, printable ASCII')
    .option('--genesis <file>', 'genesis file: the chain ID and validator set the proof must satisfy')
    .option('--anchor <file>', 'pinned chain file {"chainId", "validators"} instead of a genesis file')
    .action(async (key: string, o: RpcFlags & AnchorFlags) => {
      const anchor = loadTrustAnchor(o);
      if (anchor === undefined)
        throw new Error('a trust anchor is required: --genesis <file> or --anchor <file>');
      const c = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 5000 });
      try {
        const light = new LightClient({ chainId: anchor.chainId, validators: anchor.validators });
        const v = await light.withFollow(c, (trust) => c.getStateVerified(key, trust));
        const out = {
          key,
          verified: true,
          trustAnchor: anchor.source,
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
