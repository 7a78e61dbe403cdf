// The cross-chain governance actions as `bkdms gov propose` subcommands: register a light client
// of another chain from a header fetched from one of its nodes and checked against its genesis
// validator set (api/counterparty-action.ts, which the console's Propose form uses too), and
// recover a frozen or expired client from a substitute.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { COUNTERPARTY_DEFAULTS, registerCounterpartyAction } from '../api/counterparty-action.js';
import { recoverClientAction } from '../api/gov-action-builders.js';
import type { GovernanceAction } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { loadGenesis } from '../node/genesis.js';
import type { Decorate, RunAction } from './gov-actions.js';
import { rpcTls } from './rpc-flags.js';

interface RegisterFlags {
  client: string;
  remoteRpc: string;
  remoteGenesis: string;
  height?: string;
  trustingPeriodHours: string;
  maxClockDriftMs: string;
  relayer: string[];
  insecure?: boolean;
  tlsCa?: string;
}

/** The action, with the trusted header fetched from the remote node and verified against its genesis set. */
async function registerAction(o: RegisterFlags): Promise<GovernanceAction> {
  const genesis = loadGenesis(o.remoteGenesis);
  const remote = new BkdmsClient({
    address: o.remoteRpc,
    tls: rpcTls({ ...o, rpc: o.remoteRpc }),
    deadlineMs: 10_000,
  });
  try {
    const r = await registerCounterpartyAction(
      {
        clientId: o.client,
        ...(o.height === undefined ? {} : { height: o.height }),
        trustingPeriodHours: o.trustingPeriodHours,
        maxClockDriftMs: o.maxClockDriftMs,
        relayers: o.relayer,
      },
      genesis,
      remote,
    );
    process.stderr.write(
      `trusted header ${r.height} of chain ${toHex(genesis.chainId)}: block ${toHex(r.blockHash)}\n`,
    );
    return r.action;
  } finally {
    remote.close();
  }
}

export function registerXchainActionCommands(parent: Command, decorate: Decorate, run: RunAction): void {
  decorate(parent.command('register-counterparty'))
    .description(
      'propose a light client of another bkdms chain, trusting one of its headers (docs/cross-chain.md)',
    )
    .requiredOption('--client <id>', 'the new client ID (0..65535)')
    .requiredOption('--remote-rpc <host:port>', 'a node of the other chain, to fetch the trusted header from')
    .requiredOption(
      '--remote-genesis <file>',
      "the other chain's genesis file: its chain ID and validator set",
    )
    .option('--height <h>', 'trusted height (default: the remote tip)')
    .option(
      '--trusting-period-hours <h>',
      'how long a consensus state is trusted without an update',
      String(COUNTERPARTY_DEFAULTS.trustingPeriodHours),
    )
    .option(
      '--max-clock-drift-ms <ms>',
      'how far a remote header time may be ahead of the block time',
      String(COUNTERPARTY_DEFAULTS.maxClockDriftMs),
    )
    .requiredOption('--relayer <hex...>', 'relayer Ed25519 public keys allowed to sign the client calls')
    .action(async (o: RegisterFlags) =>
      run(await registerAction(o), o as unknown as Record<string, unknown>),
    );
  decorate(parent.command('recover-client'))
    .description('propose restoring a frozen or expired light client from an active substitute client')
    .argument('<client-id>', 'the frozen or expired client')
    .requiredOption('--substitute <id>', 'an active client of the same chain, ahead of it')
    .action((id: string, o: { substitute: string }) => run(recoverClientAction(id, o.substitute), o));
}
