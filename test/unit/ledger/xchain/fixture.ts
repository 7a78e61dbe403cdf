// A local chain (the contracts under test, run block by block) with a light client of a remote
// chain registered by governance, and a relayer key listed by it.
import type { RegisterCounterparty, XchainCall } from '../../../../codec/types.js';
import type { Ed25519KeyPair } from '../../../../crypto/ed25519.js';
import type { Receipt } from '../../../../ledger/execution.js';
import { getClient, getConsensus, statusOf } from '../../../../ledger/xchain/client.js';
import type { ClientRecord, ClientStatus, ConsensusRecord } from '../../../../ledger/xchain/records.js';
import { Harness } from '../helpers.js';
import { keys, RemoteChain } from './remote-chain.js';

export const CLIENT = 7;

export class XchainFixture {
  readonly local = new Harness();
  readonly remote: RemoteChain;
  readonly relayer: Ed25519KeyPair = keys(90, 1)[0]!;

  constructor(opts: { trustingPeriodMs?: number; remoteSet?: Ed25519KeyPair[] } = {}) {
    this.remote = new RemoteChain('geneva', opts.remoteSet ?? keys(20, 4), this.local.time(1));
    this.remote.advance(2);
    const r = this.register(CLIENT, 2, opts.trustingPeriodMs);
    if (r.some((x) => x.status !== 1)) throw new Error(`registration failed: ${JSON.stringify(r)}`);
  }

  register(clientId: number, height: number, trustingPeriodMs = 3_600_000): Receipt[] {
    return this.local.enact(this.registration(clientId, height, trustingPeriodMs));
  }

  registration(clientId: number, height: number, trustingPeriodMs = 3_600_000): RegisterCounterparty {
    return {
      type: 'registerCounterparty',
      clientId,
      trustedHeader: this.remote.block(height).header,
      validators: this.remote.setAt(height).map((k) => k.publicKey),
      trustingPeriodMs,
      maxClockDriftMs: 10_000,
      relayers: [this.relayer.publicKey],
    };
  }

  /** Runs one block holding `call` signed by the relayer (or `by`); its receipt. */
  send(call: XchainCall, by: Ed25519KeyPair = this.relayer): Receipt {
    return this.local.run([this.local.call(by, call)])[0]!;
  }

  client(id = CLIENT): ClientRecord {
    return getClient(this.local.contracts.state, id)!;
  }

  consensus(height: number, id = CLIENT): ConsensusRecord | undefined {
    return getConsensus(this.local.contracts.state, id, height);
  }

  status(id = CLIENT): ClientStatus {
    return statusOf(this.local.contracts.state, this.client(id), this.local.time(this.local.height));
  }
}
