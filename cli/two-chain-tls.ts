// The TLS flags of the commands that talk to two chains (`bkdms relay`, `bkdms xchain
// import-fact`): --tls-ca/--tls-cert/--tls-key/--insecure apply to both chains, as for a one-chain
// command (cli/rpc-flags.ts), and --from-… / --to-… of the same names to chain A's or chain B's
// nodes only. A side given any flag of its own takes only its own flags (the shared ones do not
// mix in), so two chains run by different operators each get their own CA or client certificate.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClientTls } from '../api/tls.js';
import { rpcTls } from './rpc-flags.js';

export type ChainSide = 'from' | 'to';

export interface TwoChainTlsFlags {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  fromTlsCa?: string;
  fromTlsCert?: string;
  fromTlsKey?: string;
  fromInsecure?: boolean;
  toTlsCa?: string;
  toTlsCert?: string;
  toTlsKey?: string;
  toInsecure?: boolean;
}

const WHO: Record<ChainSide, string> = { from: "chain A's nodes (--from)", to: "chain B's node (--to)" };

/** Adds the shared and the per-chain TLS flags. */
export function addTwoChainTlsFlags(cmd: Command): Command {
  cmd
    .option('--tls-ca <file>', 'PEM CA bundle for both chains (default: the system roots)')
    .option('--tls-cert <file>', 'PEM client certificate for both chains, for mutual TLS (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--insecure', 'plaintext to both chains; the default for loopback addresses given no TLS flag');
  for (const side of ['from', 'to'] as const)
    cmd
      .option(`--${side}-tls-ca <file>`, `PEM CA bundle for ${WHO[side]} only`)
      .option(
        `--${side}-tls-cert <file>`,
        `PEM client certificate for ${WHO[side]} only (with --${side}-tls-key)`,
      )
      .option(`--${side}-tls-key <file>`, `PEM private key of --${side}-tls-cert`)
      .option(`--${side}-insecure`, `plaintext to ${WHO[side]} only`);
  return cmd;
}

/** The transport to one side's node at `rpc`: its own flags when it has any, else the shared ones. */
export function chainTls(
  o: TwoChainTlsFlags,
  side: ChainSide,
  rpc: string,
  read: (path: string) => Uint8Array = readFileSync,
): ClientTls {
  const own =
    side === 'from'
      ? { tlsCa: o.fromTlsCa, tlsCert: o.fromTlsCert, tlsKey: o.fromTlsKey, insecure: o.fromInsecure }
      : { tlsCa: o.toTlsCa, tlsCert: o.toTlsCert, tlsKey: o.toTlsKey, insecure: o.toInsecure };
  const hasOwn = Object.values(own).some((v) => v !== undefined && v !== false);
  const flags = hasOwn ? own : { tlsCa: o.tlsCa, tlsCert: o.tlsCert, tlsKey: o.tlsKey, insecure: o.insecure };
  try {
    return rpcTls({ ...flags, rpc }, read);
  } catch (err) {
    if (!hasOwn) throw err;
    throw new Error(`${(err as Error).message.replaceAll('--', `--${side}-`)} (${WHO[side]})`);
  }
}
