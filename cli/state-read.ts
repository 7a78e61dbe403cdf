// Contract-state reads for `bkdms gov` and `bkdms chain`, through GetState. Given a trust anchor
// (--genesis G) every read is proven: the answer's bucket proof is checked against a header whose
// commit certificate the validator set in force signed, followed from the genesis set through proven
// changes by a light client (api/light-client.ts, api/verify-state.ts). Without one the answer
// is the node's word, and every output says so (`verified: false`).

import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { LightClient } from '../api/light-client.js';
import { parseJson } from '../api/state-values.js';
import type { StateEntryView } from '../api/types.js';
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

export interface Read {
  entries: StateEntryView[];
  /** The state after the block at this height. */
  height: number;
  verified: boolean;
  /** Block time of the proving header (verified reads only). */
  time?: number;
}

export class StateReader {
  readonly client: BkdmsClient;
  readonly genesis: Genesis | undefined;
  private readonly light: LightClient | undefined;

  constructor(o: ReadFlags) {
    this.client = new BkdmsClient({ address: o.rpc, tls: rpcTls(o), deadlineMs: 10_000 });
    this.genesis = o.genesis === undefined ? undefined : loadGenesis(o.genesis);
    // The genesis validator set is the anchor; later sets are followed through proven changes.
    this.light =
      this.genesis === undefined
        ? undefined
        : new LightClient({ chainId: this.genesis.chainId, validators: this.genesis.validators });
  }

  get verified(): boolean {
    return this.light !== undefined;
  }

  /** One key, or every entry of a group prefix ("gov/proposal/", "gov/history/", "scp/"). */
  async read(key: string): Promise<Read> {
    if (this.light === undefined) {
      const a = await this.client.getState(key, false);
      return { entries: a.entries, height: a.height, verified: false };
    }
    const v = await this.light.withFollow(this.client, (trust) => this.client.getStateVerified(key, trust));
    return { entries: v.entries, height: v.height, verified: true, time: v.header.time };
  }

  /** The value under one key, parsed, or undefined when absent. */
  async value<T>(key: string): Promise<{ value: T | undefined; read: Read }> {
    const read = await this.read(key);
    const [e] = read.entries;
    return { value: e === undefined ? undefined : parseJson<T>(e.value), read };
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
