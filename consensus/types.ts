// The core's contract with its driver (node/'s consensus driver, or test/sim's network):
// config and injected dependencies in, Ready batches out. See README.md and docs/consensus.md.
import type {
  Block,
  BlockHeader,
  CertifiedBlock,
  Commit,
  ConsensusMessage,
  EvidenceKind,
  Hash32,
  PersistentState,
  PrePrepare,
  Prepare,
  Signature,
} from '../codec/types.js';
import type { ConsensusParams } from './params.js';

// The persisted state and the kinds of votes and evidence are durable structures: their shapes
// live with their byte layout in codec/ (docs/wire-format.md §12), re-exported here.
export { EvidenceKind, type PersistentState, type Vote, VoteKind } from '../codec/types.js';

export interface ReplicaConfig {
  chainId: Hash32;
  /** This replica's index in `validators`; -1 for a node that is not (yet) a validator. */
  self: number;
  /** This replica's public key, needed only when self is -1 (it joins by a later validator set). */
  key?: Uint8Array;
  /** Public keys of the validator set in force at height tip.height + 1. */
  validators: Uint8Array[];
  params: ConsensusParams;
  /** The last block the driver holds applied (genesis: height 0 and the genesis hash). */
  tip: { height: number; hash: Hash32 };
  /**
   * Validator sets in force before tip + 1, oldest first, from the driver's governance state: a
   * restarted replica checks checkpoint proofs signed before a set change with them.
   */
  history?: { from: number; validators: Uint8Array[] }[];
  /**
   * Keys outside every validator set that may still ask for blocks (state transfer): the node's
   * configured observers, e.g. a non-validator that joined by state sync and follows the chain.
   */
  observers?: readonly Uint8Array[];
}

/** What the primary asks the driver to fill in: time, txRoot, stateRoot, validatorSetHash. */
export interface Proposal {
  height: number;
  view: number;
  parentHash: Hash32;
  proposer: number;
  envelopes: Uint8Array[];
}

/** Everything with a cost or a secret is injected, so the simulator can stub it. */
export interface ConsensusDeps {
  /** Block hash: SHA-256 of the header's hash input (codec/signing.ts). */
  hashHeader(header: BlockHeader): Hash32;
  /** Signs with this replica's key. */
  sign(bytes: Uint8Array): Signature;
  verify(publicKey: Uint8Array, bytes: Uint8Array, signature: Signature): boolean;
  /** Tracing code of an encoded envelope (SHA-256), the key of duplicate detection. */
  txHash(envelope: Uint8Array): Hash32;
  /** Builds the block the primary proposes (the driver knows the clock and the state root). */
  buildBlock(proposal: Proposal): Block;
  /**
   * Checks a proposed block against the driver's applied state at height - 1: time, txRoot,
   * stateRoot, validatorSetHash, envelopes admissible and never committed before. null = valid.
   */
  validateBlock(block: Block): string | null;
  /**
   * Checks a certified block received by state transfer against the driver's applied state at
   * height - 1, before it is applied: what its certificate vouches for is checked here too (the
   * block-hash log root), so a block no honest replica could have committed is never applied even
   * if a quorum signed it. null = valid. Absent: only the certificate is checked.
   */
  checkTransferred?(block: Block): string | null;
  /**
   * The committed block at a height from the driver's block log (undefined if not held). A new
   * primary re-proposes committed blocks it no longer has in memory (after a restart) from here.
   */
  committedBlock(height: number): Block | undefined;
}

/** An envelope admitted by the mempool. */
export interface Request {
  hash: Hash32;
  bytes: Uint8Array;
}

export interface Outbound {
  /** Everyone (gossip), or one validator by its index in the set in force at our tip + 1. */
  to: 'all' | number;
  msg: ConsensusMessage;
}

/** A peer asks for certified blocks; the driver answers with Replica.respondState(). */
export interface StateRequestIn {
  /** Public key of the asking node (a validator of some set this replica holds). */
  from: Uint8Array;
  fromHeight: number;
  toHeight: number;
}

/** Two messages signed by the same validator for the same (view, seq) with different digests. */
export interface Evidence {
  kind: EvidenceKind;
  /** Public key of the offender (indexes change with the validator set; keys do not). */
  offender: Uint8Array;
  view: number;
  seq: number;
  first: PrePrepare | Prepare | Commit;
  second: PrePrepare | Prepare | Commit;
}

export interface Ready {
  /** Snapshot to write atomically BEFORE sending `messages`; null when unchanged. */
  persist: PersistentState | null;
  messages: Outbound[];
  /** Blocks committed with their certificates, in height order; apply, then onBlocksApplied(). */
  committed: CertifiedBlock[];
  stateRequests: StateRequestIn[];
  evidence: Evidence[];
}
