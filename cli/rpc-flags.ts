// How `bkdms status` and `bkdms trace` reach a node's RPC port. As in the site and platform configs
// (chain.tlsCa, chain.insecure): TLS by default, trusting the system roots or --tls-ca, mutual TLS
// with --tls-cert and --tls-key. Plaintext when --insecure says so, and by default for a loopback
// address given no TLS flag: that is how `cluster up` nodes listen, and a plaintext connection to
// the same machine exposes nothing on the network.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClientTls } from '../api/tls.js';
import { isLoopbackAddress } from '../runtime/loopback.js';

export interface RpcFlags {
  rpc: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
}

export const DEFAULT_RPC = '127.0.0.1:7001';

/** Adds --rpc and the TLS flags to a command. */
export function addRpcFlags(cmd: Command): Command {
  return cmd
    .option('--rpc <host:port>', 'node RPC address', DEFAULT_RPC)
    .option('--tls-ca <file>', "PEM CA bundle that signs the node's certificate (default: the system roots)")
    .option(
      '--tls-cert <file>',
      'PEM client certificate, for a node that requires mutual TLS (with --tls-key)',
    )
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--insecure',
      'plaintext, no TLS; the default only for a loopback --rpc (127.x.x.x, [::1], localhost) given no --tls-* flag',
    );
}

/** True for an address on this machine: 127.0.0.0/8, ::1 or localhost. */
export const isLoopback = isLoopbackAddress;

/** The transport the flags ask for; files are read here, so a bad path fails before any connection. */
export function rpcTls(o: RpcFlags, read: (path: string) => Uint8Array = readFileSync): ClientTls {
  const tlsFlag = o.tlsCa !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined;
  if (o.insecure === true) {
    if (tlsFlag) throw new Error('--insecure cannot go with --tls-ca, --tls-cert or --tls-key');
    return { insecure: true };
  }
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
    throw new Error('--tls-cert and --tls-key go together (mutual TLS)');
  if (!tlsFlag && isLoopback(o.rpc)) return { insecure: true };
  return {
    ...(o.tlsCa === undefined ? {} : { ca: read(o.tlsCa) }),
    ...(o.tlsCert === undefined || o.tlsKey === undefined
      ? {}
      : { cert: read(o.tlsCert), key: read(o.tlsKey) }),
  };
}
