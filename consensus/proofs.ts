// Checks of everything a replica accepts on someone else's word: signed messages, quorum
// certificates (commit certificates, checkpoint proofs, prepared proofs) and VIEW-CHANGE
// messages (PBFT, Castro & Liskov TOCS'02 §4.4-4.5). Every check is all-or-nothing: one bad
// signature, repeated sender or out-of-range index rejects the whole proof.
import {
  checkpointSigningBytes,
  consensusSigningBytes,
  DOMAIN_PRE_PREPARE,
  DOMAIN_PREPARE,
  voteSigningBytes,
} from '../codec/consensus-signing.js';
import { commitSigningBytes } from '../codec/signing.js';
import type {
  Block,
  CheckpointProof,
  CommitCertificate,
  ConsensusMessage,
  PreparedProof,
  ViewChange,
} from '../codec/types.js';
import { bytesEqual } from './bytes.js';
import type { ConsensusDeps } from './types.js';
import type { ValidatorSchedule, ValidatorSet } from './validators.js';

type Sig = { sender: number; signature: Uint8Array };

export class Verifier {
  constructor(
    private readonly chainId: Uint8Array,
    private readonly deps: ConsensusDeps,
    private readonly schedule: ValidatorSchedule,
  ) {}

  /** The message's signature by its sender in `set`. */
  signed(set: ValidatorSet, m: ConsensusMessage): boolean {
    const key = set.keys[m.sender];
    if (key === undefined) return false;
    return this.deps.verify(key, consensusSigningBytes(this.chainId, m), m.signature);
  }

  /** The message's signature by `key` (a message that names its signer by key, not index). */
  signedBy(key: Uint8Array, m: ConsensusMessage): boolean {
    return this.deps.verify(key, consensusSigningBytes(this.chainId, m), m.signature);
  }

  /**
   * Number of valid signatures over `bytes`, senders strictly ascending (so none repeats), none
   * equal to `exclude`; -1 if any entry is bad.
   */
  private count(set: ValidatorSet, bytes: Uint8Array, sigs: readonly Sig[], exclude = -1): number {
    let last = -1;
    for (const s of sigs) {
      const key = set.keys[s.sender];
      if (key === undefined || s.sender <= last || s.sender === exclude) return -1;
      if (!this.deps.verify(key, bytes, s.signature)) return -1;
      last = s.sender;
    }
    return sigs.length;
  }

  /** 2f+1 CHECKPOINT signatures at seq; the genesis checkpoint (seq 0) needs none. */
  checkpoint(cp: CheckpointProof): boolean {
    if (cp.seq === 0 && cp.signatures.length === 0) return true;
    const set = this.schedule.at(cp.seq);
    const bytes = checkpointSigningBytes(this.chainId, cp.seq, cp.digest);
    return this.count(set, bytes, cp.signatures) >= set.quorum;
  }

  /** 2f+1 COMMIT signatures over the block's hash at its height (what a light client checks too). */
  certificate(cert: CommitCertificate, block: Block): boolean {
    if (block.header.height !== cert.height) return false;
    if (!bytesEqual(this.deps.hashHeader(block.header), cert.blockHash)) return false;
    const set = this.schedule.at(cert.height);
    const bytes = commitSigningBytes(this.chainId, cert.view, cert.height, cert.blockHash);
    const sigs = cert.signatures.map((s) => ({ sender: s.validator, signature: s.signature }));
    return this.count(set, bytes, sigs) >= set.quorum;
  }

  /** The primary's PRE-PREPARE signature and 2f PREPAREs from other replicas, all on one digest. */
  prepared(p: PreparedProof): boolean {
    if (p.header.height !== p.seq) return false;
    if (!bytesEqual(this.deps.hashHeader(p.header), p.digest)) return false;
    const set = this.schedule.at(p.seq);
    const primary = set.primary(p.view);
    const ppBytes = voteSigningBytes(DOMAIN_PRE_PREPARE, this.chainId, p.view, p.seq, p.digest);
    if (!this.deps.verify(set.keys[primary]!, ppBytes, p.prePrepareSignature)) return false;
    const bytes = voteSigningBytes(DOMAIN_PREPARE, this.chainId, p.view, p.seq, p.digest);
    return this.count(set, bytes, p.prepares, primary) >= set.quorum - 1;
  }

  /**
   * A VIEW-CHANGE is valid when signed, its checkpoint is proven, and every prepared proof is
   * valid, from an earlier view, for a distinct seq inside (stableSeq, stableSeq + window].
   */
  viewChange(vc: ViewChange, window: number): boolean {
    if (!this.signed(this.schedule.at(vc.stableSeq + 1), vc)) return false;
    const cp = { seq: vc.stableSeq, digest: vc.stableDigest, signatures: vc.checkpointProof };
    if (!this.checkpoint(cp)) return false;
    const seen = new Set<number>();
    for (const p of vc.prepared) {
      if (p.seq <= vc.stableSeq || p.seq > vc.stableSeq + window || seen.has(p.seq)) return false;
      if (p.view >= vc.newView || !this.prepared(p)) return false;
      seen.add(p.seq);
    }
    return true;
  }
}
