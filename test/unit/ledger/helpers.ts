// Contracts on an in-memory state built from a test genesis, and a tiny block runner.
import type { ContractCall, GovernanceAction } from '../../../codec/types.js';
import type { Ed25519KeyPair } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { Contracts } from '../../../ledger/contracts.js';
import type { Receipt } from '../../../ledger/execution.js';
import { genesisState } from '../../../ledger/genesis.js';
import { call, type TestChain, testChain } from '../store/fixtures.js';

export class Harness {
  readonly chain: TestChain;
  readonly contracts: Contracts;
  height = 0;
  /** Next sequence number per admin (index). */
  private readonly adminSeq = new Map<Ed25519KeyPair, number>();

  constructor(opts: Parameters<typeof testChain>[0] = {}) {
    this.chain = testChain(opts);
    this.contracts = new Contracts(genesisState(this.chain.genesis).state, this.chain.genesis.chainId);
  }

  get id(): Uint8Array {
    return this.chain.genesis.chainId;
  }

  /** Block time of the next block: one second per height after genesis. */
  time(height = this.height + 1): number {
    return this.chain.genesis.genesisTime + height * 1000;
  }

  run(envelopes: Uint8Array[]): Receipt[] {
    this.height++;
    const header = { height: this.height, time: this.time(this.height) } as never;
    return this.contracts.applyBlock({ header, envelopes }).receipts;
  }

  call(admin: Ed25519KeyPair, c: ContractCall): Uint8Array {
    const seq = (this.adminSeq.get(admin) ?? 0) + 1;
    this.adminSeq.set(admin, seq);
    return call(this.id, admin, seq, this.time(), c);
  }

  propose(admin: Ed25519KeyPair, action: GovernanceAction, expiresAt = this.time() + 60_000): Uint8Array {
    return this.call(admin, { type: 'propose', action, expiresAt });
  }

  approve(admin: Ed25519KeyPair, proposal: Uint8Array): Uint8Array {
    return this.call(admin, { type: 'approve', proposalId: tracingCode(proposal) });
  }

  /** Proposes with admin 0 and approves with admin 1 (threshold 2), in one block. */
  enact(action: GovernanceAction): Receipt[] {
    const [a, b] = this.chain.admins as [Ed25519KeyPair, Ed25519KeyPair];
    const p = this.propose(a, action);
    return this.run([p, this.approve(b, p)]);
  }
}
