// `bkdms gov …`: contract management (M.rmbs) of the governance contract. Writes (propose, approve)
// are signed with an administrator's keystore (--key) and submitted to --rpc; reads (list, show,
// history) go through GetState and are proven when --genesis is given (cli/state-read.ts).
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import type { AdminsRecord } from '../ledger/records.js';
import { K } from '../ledger/records.js';
import { loadGenesis } from '../node/genesis.js';
import { Admin, type CallResult } from '../platform/admin.js';
import { loadAdminKey } from '../platform/keys.js';
import { PassphraseEnv } from '../runtime/passphrase.js';
import { type RunAction, registerActionCommands } from './gov-actions.js';
import { closedProposals, formatClosed, formatOpen, openProposals } from './gov-view.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';
import { addReadFlags, type ReadFlags, type StateReader, say, trustLine, withReader } from './state-read.js';
import { registerXchainActionCommands } from './xchain-actions.js';

interface SignFlags extends RpcFlags {
  key: string;
  passphraseFile?: string;
  genesis?: string;
  ttlHours: string;
}

function addSignFlags(cmd: Command): Command {
  return addRpcFlags(cmd)
    .requiredOption(
      '--key <file>',
      "administrator's Ed25519 keystore (passphrase: --passphrase-file or BKDMS_ADMIN_PASSPHRASE)",
    )
    .option('--passphrase-file <file>', 'a 0600 file whose first line is the keystore passphrase')
    .option('--genesis <file>', 'genesis file (chain ID); else the chain ID the node reports')
    .option('--ttl-hours <h>', 'how long a new proposal stays open for approvals', '168');
}

/** Signs and submits one call with the flags' key and node, then says whether the proposal is still open. */
async function submit(o: SignFlags, call: (a: Admin) => Promise<CallResult>): Promise<void> {
  const client = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 10_000 });
  try {
    const chainId =
      o.genesis === undefined ? (await client.getStatus()).chainId : loadGenesis(o.genesis).chainId;
    const key = await loadAdminKey({
      path: o.key,
      passphraseFile: o.passphraseFile,
      passphraseEnv: PassphraseEnv.Admin,
    });
    const ttl = Number(o.ttlHours);
    if (!(ttl > 0)) throw new Error('--ttl-hours must be a positive number');
    const admin = new Admin(client, { chainId, key, proposalTtlMs: ttl * 3_600_000 });
    const r = await call(admin);
    const open = (await client.getState(K.proposal(r.tracingCode))).entries.length > 0;
    say(JSON.stringify({ ...r, proposalId: r.tracingCode, open }, null, 2));
  } finally {
    client.close();
  }
}

async function readOpen(r: StateReader) {
  const proposals = await r.read(K.proposal(''));
  const { value: admins } = await r.value<AdminsRecord>(K.admins);
  // Expiry is judged by the proving header's time when verified, else by this machine's clock.
  return { read: proposals, list: openProposals(proposals.entries, admins, proposals.time ?? Date.now()) };
}

export function registerGovCommands(program: Command): void {
  const gov = program
    .command('gov')
    .description('governance (contract management): propose, approve, list, show and history of proposals');
  const propose = gov.command('propose').description('propose a governance action (signed with --key)');
  const proposeAction: RunAction = (action, o) => submit(o as unknown as SignFlags, (a) => a.propose(action));
  registerActionCommands(propose, addSignFlags, proposeAction);
  registerXchainActionCommands(propose, addSignFlags, proposeAction);
  addSignFlags(gov.command('approve'))
    .description('approve an open proposal; it executes when approvals reach the threshold')
    .argument('<proposal-id>', 'proposal ID (hex), as `gov list` shows it')
    .action((id: string, o: SignFlags) => submit(o, (a) => a.approve(id)));
  addReadFlags(gov.command('list'))
    .description('open proposals: action, proposer, approvals and which admins are still missing')
    .action((o: ReadFlags) =>
      withReader(o, async (r) => {
        const { read, list } = await readOpen(r);
        if (o.json)
          say(JSON.stringify({ verified: read.verified, height: read.height, proposals: list }, null, 2));
        else say(`${trustLine(read)}\n${formatOpen(list)}`);
      }),
    );
  addReadFlags(gov.command('show'))
    .description('one proposal: open, or closed (from the history)')
    .argument('<proposal-id>', 'proposal ID (hex)')
    .action((id: string, o: ReadFlags) =>
      withReader(o, async (r) => {
        const { read, list } = await readOpen(r);
        const open = list.find((p) => p.id === id);
        const hist = await r.read(K.historyPrefix);
        const closed = closedProposals(hist.entries).find((p) => p.id === id);
        if (open === undefined && closed === undefined) {
          process.exitCode = 1;
          throw new Error(`no open proposal and no history entry ${id}`);
        }
        const out = { verified: read.verified, height: read.height, ...(open ? { open } : { closed }) };
        if (o.json) say(JSON.stringify(out, null, 2));
        else
          say(
            `${trustLine(read)}\n${open ? formatOpen([open]) : formatClosed([closed!])}\n${JSON.stringify(open?.detail ?? closed?.action, null, 2)}`,
          );
      }),
    );
  addReadFlags(gov.command('history'))
    .description('closed proposals (executed, failed, expired) with their signatories; the last 128 are kept')
    .action((o: ReadFlags) =>
      withReader(o, async (r) => {
        const read = await r.read(K.historyPrefix);
        const list = closedProposals(read.entries);
        if (o.json)
          say(JSON.stringify({ verified: read.verified, height: read.height, history: list }, null, 2));
        else say(`${trustLine(read)}\n${formatClosed(list)}`);
      }),
    );
}
