// A real ledger in one process for tests of proven reads: certified blocks executed by the system
// contracts (a governance change included), their headers carrying the state roots, and the node's
// RPC handlers answering proven reads (no gRPC server: the handlers are the node's answers).

import type { NodeApi } from '../../../api/handlers.js';
import type { ValidatorChangeReader } from '../../../api/light-client.js';
import { toHex } from '../../../crypto/bytes.js';
import type { Ed25519KeyPair } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { K } from '../../../ledger/records.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import type { RpcHandlers } from '../../../node/rpc-handlers.js';
import { MemoryDb } from '../../../node/store/index.js';
import { handlersOver } from '../node/handlers-fixture.js';
import { call, certifiedBlock, keyPair, type TestChain, tempDir, testChain } from '../store/fixtures.js';

export interface ProvenChain {
  chain: TestChain;
  ledger: PersistedLedger;
  handlers: RpcHandlers;
  /** Commits block `height` over `envs`, certified by `signers` (the genesis set by default). */
  commit(height: number, envs: Uint8Array[], signers?: Ed25519KeyPair[]): Promise<Uint8Array>;
  /** A block time inside period `height`. */
  t(height: number): number;
  close(): Promise<void>;
}

export async function provenChain(): Promise<ProvenChain> {
  const chain = testChain();
  const tmp = tempDir();
  const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
  const mempool = new Mempool();
  const handlers = handlersOver(chain, ledger, mempool);
  let parentHash = chain.genesis.chainId;
  // The block-hash log, so the headers also pass a header-chain walk.
  const log = LogFrontier.empty();
  log.append(chain.genesis.chainId);
  return {
    chain,
    ledger,
    handlers,
    t: (height) => chain.genesis.genesisTime + height * 1000 - 1,
    async commit(height, envs, signers = chain.validators) {
      const b = certifiedBlock({ ...chain, validators: signers }, height, envs, {
        stateRoot: ledger.contracts.stateRoot(),
        parentHash,
        hashLogRoot: log.root(),
      });
      await ledger.commit(b.bytes, b.decoded);
      parentHash = b.hash;
      log.append(b.hash);
      return b.bytes;
    },
    async close() {
      await ledger.close();
      tmp.cleanup();
    },
  };
}

/** A node's answers as the proven reads ask for them (api/light-client.ts ValidatorChangeReader). */
export function readerOf(api: Pick<NodeApi, 'getState'>): ValidatorChangeReader {
  return {
    getState: (key, prove) => api.getState(key, prove),
    getValidatorChange: (activation) => api.getState(K.validators, true, activation),
  };
}

/**
 * Block 1 opens a proposal (a new validator set at 100, one approval of two needed), block 2 is
 * empty so that the tip header's state root holds it. Returns the proposal ID (hex).
 */
export async function openProposal(pc: ProvenChain): Promise<string> {
  const { chain, t } = pc;
  const propose = call(chain.genesis.chainId, chain.admins[0]!, 1, t(1), {
    type: 'propose',
    action: {
      type: 'setValidators',
      validators: [11, 12, 13, 14].map((i) => ({ publicKey: keyPair(i).publicKey })),
      activateAt: 100,
    },
    expiresAt: t(1) + 3600_000,
  });
  await pc.commit(1, [propose]);
  await pc.commit(2, []);
  return toHex(tracingCode(propose));
}
