// fast-check arbitraries of valid PBFT messages, one per message type (codec/consensus-messages.ts).
// Used by the round-trip properties (test/unit/codec/consensus-roundtrip.test.ts) and as seeds
// of the fuzzer (testkit/fuzz.ts). Values are valid for the codec, not for the protocol: digests
// and signatures are random bytes, since the codec checks shapes (sizes, counts, ascending
// senders), never hashes or signatures. Blocks and lists stay small so one fuzz input is cheap;
// the code paths are the same for ten items as for a thousand.
import fc from 'fast-check';
import {
  type Block,
  type CertifiedBlock,
  type Checkpoint,
  type Commit,
  type ConsensusMessage,
  EvidenceKind,
  type EvidenceRecord,
  MessageType,
  type NewView,
  type PersistentState,
  type PrePrepare,
  type Prepare,
  type PreparedProof,
  type StateRequest,
  type StateResponse,
  type ViewChange,
  type Vote,
  VoteKind,
} from '../codec/types.js';
import { blockHeader, bytes, commitCertificate } from './codec-arbitraries.js';

const u64 = fc.maxSafeNat();
const hash = bytes(32);
const signature = bytes(64);
/** A validator index: senders are u16 on the wire but below MAX_VALIDATORS (256). */
const validator = fc.integer({ min: 0, max: 255 });

/** (sender, signature) lists: senders strictly ascending, as the codec requires. */
const sigs = (min: number, max: number) =>
  fc
    .uniqueArray(validator, { minLength: min, maxLength: max })
    .chain((ids) =>
      fc.tuple(
        ...ids.sort((a, b) => a - b).map((sender) => signature.map((s) => ({ sender, signature: s }))),
      ),
    );

/** Only present when the value exists: decoders leave absent optional fields out, not undefined. */
function withOptional<T extends object, K extends string, V>(base: T, key: K, v: V | undefined) {
  return (v === undefined ? base : { ...base, [key]: v }) as T & { [P in K]?: V };
}

const envelopes = fc.array(fc.uint8Array({ minLength: 1, maxLength: 48 }), { maxLength: 4 });

const smallBlock: fc.Arbitrary<Block> = envelopes.chain((es) =>
  blockHeader(es.length).map((header) => ({ header, envelopes: es })),
);

const certifiedSmallBlock: fc.Arbitrary<CertifiedBlock> = smallBlock.chain((b) =>
  commitCertificate(b.header.height).map((certificate) => ({ block: b, certificate })),
);

const signed = { sender: validator, signature };

export const prePrepare: fc.Arbitrary<PrePrepare> = fc.record({
  type: fc.constant(MessageType.PrePrepare as const),
  view: u64,
  seq: u64,
  digest: hash,
  block: smallBlock,
  ...signed,
});

const vote = <T extends MessageType.Prepare | MessageType.Commit>(type: T) =>
  fc.record({ type: fc.constant(type), view: u64, seq: u64, digest: hash, ...signed });
export const prepare: fc.Arbitrary<Prepare> = vote(MessageType.Prepare);
export const commit: fc.Arbitrary<Commit> = vote(MessageType.Commit);

export const checkpoint: fc.Arbitrary<Checkpoint> = fc.record({
  type: fc.constant(MessageType.Checkpoint as const),
  seq: u64,
  digest: hash,
  ...signed,
});

/** A prepared certificate, with the block body (for a new primary that missed it) or without. */
export const preparedProof: fc.Arbitrary<PreparedProof> = fc
  .option(envelopes, { nil: undefined })
  .chain((body) =>
    fc
      .record({
        view: u64,
        seq: u64,
        digest: hash,
        header:
          body === undefined ? fc.integer({ min: 0, max: 9 }).chain(blockHeader) : blockHeader(body.length),
        prePrepareSignature: signature,
        prepares: sigs(0, 6),
      })
      .map((p) => withOptional(p, 'envelopes', body)),
  );

export const viewChange: fc.Arbitrary<ViewChange> = fc.record({
  type: fc.constant(MessageType.ViewChange as const),
  newView: u64,
  stableSeq: u64,
  stableDigest: hash,
  checkpointProof: sigs(0, 7),
  prepared: fc.array(preparedProof, { maxLength: 3 }),
  ...signed,
});

export const newView: fc.Arbitrary<NewView> = fc.record({
  type: fc.constant(MessageType.NewView as const),
  view: u64,
  viewChanges: fc.array(viewChange, { maxLength: 3 }),
  prePrepares: fc.array(prePrepare, { maxLength: 3 }),
  ...signed,
});

export const stateRequest: fc.Arbitrary<StateRequest> = fc
  .tuple(
    fc.record({
      type: fc.constant(MessageType.StateRequest as const),
      fromHeight: u64,
      toHeight: u64,
      ...signed,
    }),
    fc.option(bytes(32), { nil: undefined }),
  )
  .map(([m, key]) => withOptional(m, 'key', key));

export const stateResponse: fc.Arbitrary<StateResponse> = fc
  .tuple(
    fc.record({
      type: fc.constant(MessageType.StateResponse as const),
      blocks: fc.array(certifiedSmallBlock, { maxLength: 3 }),
      ...signed,
    }),
    fc.option(fc.record({ seq: u64, digest: hash, signatures: sigs(0, 7) }), { nil: undefined }),
  )
  .map(([m, cp]) => withOptional(m, 'checkpoint', cp));

/** One arbitrary per message type, keyed by its MessageType name. */
export const consensusMessages = {
  PrePrepare: prePrepare,
  Prepare: prepare,
  Commit: commit,
  Checkpoint: checkpoint,
  ViewChange: viewChange,
  NewView: newView,
  StateRequest: stateRequest,
  StateResponse: stateResponse,
} satisfies { [K in keyof typeof MessageType]: fc.Arbitrary<ConsensusMessage> };

export const consensusMessage: fc.Arbitrary<ConsensusMessage> = fc.oneof(...Object.values(consensusMessages));

// Durable records (codec/consensus-state.ts): the consensus WAL's state and evidence.

/** In the codec's order of kind codes: votes are sorted by (view, seq, this index). */
const VOTE_KINDS = [VoteKind.PrePrepare, VoteKind.Prepare, VoteKind.Commit, VoteKind.NewView];
const voteOrder = (a: Vote, b: Vote) =>
  a.view - b.view || a.seq - b.seq || VOTE_KINDS.indexOf(a.kind) - VOTE_KINDS.indexOf(b.kind);

/** A persisted state as the codec writes it: votes and proofs sorted, one per key. */
export const consensusState: fc.Arbitrary<PersistentState> = fc.record({
  view: u64,
  inViewChange: fc.boolean(),
  stable: fc.record({ seq: u64, digest: hash, signatures: sigs(0, 7) }),
  votes: fc
    .uniqueArray(fc.record({ kind: fc.constantFrom(...VOTE_KINDS), view: u64, seq: u64, digest: hash }), {
      selector: (v) => `${v.kind}:${v.view}:${v.seq}`,
      maxLength: 6,
    })
    .map((vs) => vs.sort(voteOrder)),
  prepared: fc
    .uniqueArray(preparedProof, { selector: (p) => p.seq, maxLength: 3 })
    .map((ps) => ps.sort((a, b) => a.seq - b.seq)),
  viewChange: fc.option(viewChange, { nil: null }),
  // Kept as the replica keeps it: PRE-PREPAREs without their blocks' envelopes.
  newView: fc.option(
    newView.map((nv) => ({
      ...nv,
      prePrepares: nv.prePrepares.map((pp) => ({ ...pp, block: { header: pp.block.header, envelopes: [] } })),
    })),
    { nil: null },
  ),
});

const conflicting = <K extends EvidenceKind, M extends EvidenceRecord['first']>(
  kind: K,
  m: fc.Arbitrary<M>,
) => fc.record({ kind: fc.constant(kind), offender: bytes(32), first: m, second: m });

export const evidenceRecord: fc.Arbitrary<EvidenceRecord> = fc.oneof(
  conflicting(EvidenceKind.ConflictingPrePrepare, prePrepare),
  conflicting(EvidenceKind.ConflictingPrepare, prepare),
  conflicting(EvidenceKind.ConflictingCommit, commit),
);
