// Consensus states and evidence for the store's WAL and evidence tests, built on the codec's
// vectors (test/unit/codec/vectors.ts): shapes the driver persists, not a protocol run.
import {
  EvidenceKind,
  type EvidenceRecord,
  MessageType,
  type PersistentState,
  type PrePrepare,
  type Prepare,
  VoteKind,
} from '../../../codec/types.js';
import { vectorNewView, vectorPrepare, vectorViewChange } from '../codec/vectors.js';

const bodyless = (pp: PrePrepare): PrePrepare => ({
  ...pp,
  block: { header: pp.block.header, envelopes: [] },
});

/** The i-th state a replica might persist: a view and a vote of its own that move with i. */
export function consensusState(i: number): PersistentState {
  return {
    view: i,
    inViewChange: i % 2 === 1,
    stable: {
      seq: 256,
      digest: new Uint8Array(32).fill(0x99),
      signatures: [{ sender: 2, signature: new Uint8Array(64).fill(0xf4) }],
    },
    votes: [
      { kind: VoteKind.Prepare, view: i, seq: 257 + i, digest: new Uint8Array(32).fill(i & 0xff) },
      { kind: VoteKind.Commit, view: i, seq: 257 + i, digest: new Uint8Array(32).fill(i & 0xff) },
    ],
    // A prepared block with its body: records of a few hundred bytes, as with a real block.
    prepared: vectorViewChange.prepared,
    viewChange: i % 2 === 1 ? { ...vectorViewChange, newView: i } : null,
    // The NEW-VIEW that started view i, as kept: its PRE-PREPARE without the block's envelopes.
    newView:
      i % 2 === 1
        ? null
        : { ...vectorNewView, view: i, prePrepares: vectorNewView.prePrepares.map(bodyless) },
  };
}

/** Validator 2 signed two PREPAREs for (view 3, seq 258): the vector's and one for digest 0xab… */
export function prepareEvidence(): EvidenceRecord {
  const second: Prepare = { ...vectorPrepare, digest: new Uint8Array(32).fill(0xab) };
  return {
    kind: EvidenceKind.ConflictingPrepare,
    offender: new Uint8Array(32).fill(0x22),
    first: vectorPrepare,
    second: { ...second, type: MessageType.Prepare },
  };
}
