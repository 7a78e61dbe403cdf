// The cross-chain governance actions as `bkdms gov propose` subcommands: register a light client
// of another chain from a header fetched from one of its nodes and checked here against its
// genesis validator set, and recover a frozen or expired client from a substitute.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { recoverClientAction } from '../api/gov-action-builders.js';
import { verifyCertifiedHeader } from '../api/hash-log-verify.js';
import type { GovernanceAction } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { loadGenesis } from '../node/genesis.js';
import { unhex } from '../platform/hex.js';
import type { Decorate, RunAction } from './gov-actions.js';
import { rpcTls } from './rpc-flags.js';

const u16 = (s: string, what: string): number => {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 0xffff) throw new Error(`${what}: not 0..65535: ${s}`);
  return n;
};

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
    const tip = (await remote.getStatus()).height;
    const height = o.height === undefined ? tip : Number(o.height);
    if (!Number.isInteger(height) || height < 1 || height > tip)
      throw new Error(`--height must be 1..${tip}`);
    const page = await remote.getHeaders({ fromHeight: height, toHeight: height, maxCount: 1 });
    const h = page.headers.find((x) => x.height === height);
    if (h === undefined) throw new Error(`the remote node served no header at ${height}`);
    // Certified by the genesis set: a chain whose set changed since needs a header from before.
    const v = verifyCertifiedHeader(h, genesis.chainId, genesis.validators);
    process.stderr.write(
      `trusted header ${height} of chain ${toHex(genesis.chainId)}: block ${toHex(v.blockHash)}\n`,
    );
    const hours = Number(o.trustingPeriodHours);
    if (!(hours > 0)) throw new Error('--trusting-period-hours must be positive');
    return {
      type: 'registerCounterparty',
      clientId: u16(o.client, '--client'),
      trustedHeader: h.header,
      validators: [...genesis.validators],
      trustingPeriodMs: Math.round(hours * 3_600_000),
      maxClockDriftMs: Number(o.maxClockDriftMs),
      relayers: o.relayer.map((k) => unhex(k, 32, 'relayer key')),
    };
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
    .option('--trusting-period-hours <h>', 'how long a consensus state is trusted without an update', '336')
    .option(
      '--max-clock-drift-ms <ms>',
      'how far a remote header time may be ahead of the block time',
      '10000',
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
