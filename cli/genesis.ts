// `bkdms genesis init`: writes a genesis file from validators, admins, sites and parameters, and
// validates it exactly as a node will (node/genesis.ts), printing the chain ID it defines.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { GenesisFile } from '../node/genesis.js';
import { defaultGenesisParams, writeGenesis } from '../node/genesis-write.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** The --sites file; a parse error names the file, which JSON.parse's message does not. */
function readSites(path: string): GenesisFile['sites'] {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GenesisFile['sites'];
  } catch (err) {
    throw new Error(`cannot read sites file ${path}: ${(err as Error).message}`);
  }
}

export function registerGenesisCommands(program: Command): void {
  const genesis = program.command('genesis').description('create the genesis file of a chain');
  genesis
    .command('init')
    .description('write a genesis file (validators, admins, sites, parameters) and print its chain ID')
    .requiredOption('--out <file>', 'genesis file to write')
    .requiredOption('--chain-name <name>', 'lower-case name of the chain')
    .requiredOption('--validator <hex>', 'validator Ed25519 public key (repeat, in set order)', collect, [])
    .requiredOption('--admin <hex>', 'SCP administrator Ed25519 public key (repeat)', collect, [])
    .option('--threshold <m>', 'approvals needed for a governance proposal', '1')
    .option('--sites <file>', 'JSON array of initial sites {publicKey, country, city, siteId, kpis}')
    .option('--scp-key <hex>', 'platform X25519 encryption public key (valid for 10 years)', collect, [])
    .option('--period-ms <ms>', 'processing period', String(defaultGenesisParams.periodMs))
    .option('--view-timeout-ms <ms>', 'base view-change timeout', String(defaultGenesisParams.viewTimeoutMs))
    .option(
      '--max-seq-gap <n>',
      "most an upload's sequence number may exceed its site's highest committed one",
      String(defaultGenesisParams.maxSeqGap),
    )
    .option(
      '--max-envelope-future-ms <ms>',
      "most an envelope's time may be ahead of the block time",
      String(defaultGenesisParams.maxEnvelopeFutureMs),
    )
    .action(
      (o: {
        out: string;
        chainName: string;
        validator: string[];
        admin: string[];
        threshold: string;
        sites?: string;
        scpKey: string[];
        periodMs: string;
        viewTimeoutMs: string;
        maxSeqGap: string;
        maxEnvelopeFutureMs: string;
      }) => {
        const now = new Date();
        const later = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
        const chainId = writeGenesis(o.out, {
          chainName: o.chainName,
          validators: o.validator,
          admins: o.admin,
          threshold: Number(o.threshold),
          sites: o.sites === undefined ? [] : readSites(o.sites),
          scpKeys: o.scpKey.map((publicKey) => ({
            publicKey,
            notBefore: now.toISOString(),
            notAfter: later.toISOString(),
          })),
          params: {
            periodMs: Number(o.periodMs),
            viewTimeoutMs: Number(o.viewTimeoutMs),
            maxSeqGap: Number(o.maxSeqGap),
            maxEnvelopeFutureMs: Number(o.maxEnvelopeFutureMs),
          },
        });
        process.stdout.write(`${JSON.stringify({ file: o.out, chainId })}\n`);
      },
    );
}
