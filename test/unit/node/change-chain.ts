// A real ledger whose validator set changes: blocks 1-2 approve a new set activating at
// ACTIVATION (proposed and approved on chain), later blocks are certified by the set in force,
// each header carrying the state root and the block-hash log. For the tests of change proofs.
import type { Ed25519KeyPair } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import type { PersistedLedger } from '../../../node/persisted-ledger.js';
import {
  type BuiltBlock,
  call,
  certifiedBlock,
  keyPair,
  type TestChain,
  testChain,
} from '../store/fixtures.js';

export const chain: TestChain = testChain();
const id = chain.genesis.chainId;
export const newSet = [11, 12, 13, 14].map(keyPair);
export const ACTIVATION = 6;
const t = (h: number) => chain.genesis.genesisTime + h * 1000 - 1;

/**
 * Commits blocks on `ledger` up to a height: 1-2 approve newSet for ACTIVATION, the rest are
 * empty, each certified by the set in force and carrying the state root and block-hash log.
 */
export function builder(ledger: PersistedLedger) {
  const [a0, a1] = [chain.admins[0]!, chain.admins[1]!];
  const propose = call(id, a0, 1, t(1), {
    type: 'propose',
    action: {
      type: 'setValidators',
      validators: newSet.map((k) => ({ publicKey: k.publicKey })),
      activateAt: ACTIVATION,
    },
    expiresAt: t(1) + 3600_000,
  });
  const envs: Uint8Array[][] = [
    [propose],
    [call(id, a1, 1, t(2), { type: 'approve', proposalId: tracingCode(propose) })],
  ];
  const log = LogFrontier.empty();
  log.append(id);
  let parentHash: Uint8Array = id;
  const built: BuiltBlock[] = [];
  return {
    built,
    /** The block-hash log over blocks 0..height (what a snapshot at that height installs). */
    logAt(height: number): LogFrontier {
      const f = LogFrontier.empty();
      f.append(id);
      for (const b of built.slice(0, height)) f.append(b.hash);
      return f;
    },
    async upTo(n: number): Promise<void> {
      for (let h = built.length + 1; h <= n; h++) {
        const signers: Ed25519KeyPair[] = h >= ACTIVATION ? newSet : chain.validators;
        const b = certifiedBlock({ ...chain, validators: signers }, h, envs[h - 1] ?? [], {
          stateRoot: ledger.contracts.stateRoot(),
          parentHash,
          hashLogRoot: log.root(),
        });
        await ledger.commit(b.bytes, b.decoded);
        parentHash = b.hash;
        log.append(b.hash);
        built.push(b);
      }
    },
  };
}
