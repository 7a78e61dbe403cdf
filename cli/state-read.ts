// Contract-state reads for `bkdms gov` and `bkdms chain`, through GetState. Given a trust anchor
// (--genesis G) every read is proven: the answer's bucket proof is checked against a header whose
// commit certificate the validator set in force signed, followed from the genesis set through proven
// changes by a light client (api/proven-state.ts). Without one the answer
// is the node's word, and every output says so (`verified: false`).

import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { ProvenStateReader, type StateRead } from '../api/proven-state.js';
import type { Genesis } from '../node/genesis.js';
import { loadGenesis } from '../node/genesis.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

export interface ReadFlags extends RpcFlags {
  genesis?: string;
  json?: boolean;
}

/** --rpc, the TLS flags, --genesis and --json. */
export function addReadFlags(cmd: Command): Command {
  return addRpcFlags(cmd)
    .option('--genesis <file>', 'trust anchor: verify every answer against this genesis (else: unverified)')
    .option('--json', 'print JSON');
}

export type Read = StateRead;

/** The flags' node read through api/proven-state.ts, proven when --genesis is given. */
export class StateReader {
  readonly client: BkdmsClient;
  readonly genesis: Genesis | undefined;
  private readonly reader: ProvenStateReader;

  constructor(o: ReadFlags) {
    this.client = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 10_000 });
    this.genesis = o.genesis === undefined ? undefined : loadGenesis(o.genesis);
    // The genesis validator set is the anchor; later sets are followed through proven changes.
    this.reader = new ProvenStateReader(
      this.client,
      this.genesis === undefined
        ? undefined
        : { chainId: this.genesis.chainId, validators: this.genesis.validators },
    );
  }

  get verified(): boolean {
    return this.reader.verified;
  }

  /** One key, or every entry of a group prefix ("gov/proposal/", "gov/history/", "scp/"). */
  read(key: string): Promise<Read> {
    return this.reader.read(key);
  }

  /** The value under one key, parsed, or undefined when absent. */
  value<T>(key: string): Promise<{ value: T | undefined; read: Read }> {
    return this.reader.value<T>(key);
  }

  close(): void {
    this.client.close();
  }
}

/** Runs `fn` with a reader on the flags' node, closing it after. */
export async function withReader<T>(o: ReadFlags, fn: (r: StateReader) => Promise<T>): Promise<T> {
  const r = new StateReader(o);
  try {
    return await fn(r);
  } finally {
    r.close();
  }
}

export const say = (s: string): void => void process.stdout.write(`${s}\n`);

/** A line saying how far to trust what follows. */
export function trustLine(r: { verified: boolean; height: number }): string {
  return r.verified
    ? `verified against the genesis trust anchor, state after block ${r.height}`
    : `UNVERIFIED (the node's word; give --genesis to verify), state after block ${r.height}`;
}
