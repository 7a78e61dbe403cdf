// Payloads of the durable consensus records, exact in docs/wire-format.md §12; framed (magic,
// kind, version, length, CRC-32C) by durable-record.ts.
// Consensus state (kind 1, version 1), the records of the consensus WAL:
//   view u64 | inViewChange flag | stable seq u64 | stable digest 32 | sigs |
//   vote count u16 | (kind u8 | view u64 | seq u64 | digest 32)*, strictly ascending (view, seq, kind) |
//   proof count u16 | prepared proof*, strictly ascending seq |
//   flag (1: frame holding the VIEW-CHANGE last signed) |
//   flag (1: the NEW-VIEW that started the view, kept without block envelopes, below)
// Evidence (kind 2, version 1), one record per store value:
//   kind u8 | offender key 32 | frame: first message | frame: second message, both of the kind's type
// Signature lists, prepared proofs and frames are those of the PBFT messages (consensus-messages.ts).
import { readBlockHeader, writeBlockHeader } from './block.js';
import {
  BLOCK_HEADER_BYTES,
  HASH_BYTES,
  MAX_CONSENSUS_STATE_BYTES,
  MAX_EVIDENCE_BYTES,
  MAX_STATE_VOTES,
  MAX_VALIDATORS,
  MAX_WINDOW_ENTRIES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
} from './caps.js';
import {
  readFramedMessage,
  readProof,
  readSigs,
  writeFramedMessage,
  writeProof,
  writeSigs,
} from './consensus-messages.js';
import {
  DURABLE_HEADER_BYTES,
  DurableKind,
  decodeDurableRecord,
  encodeDurableRecord,
  sealDurableRecord,
} from './durable-record.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader } from './reader.js';
import {
  EvidenceKind,
  type EvidenceRecord,
  MessageType,
  type NewView,
  type PersistentState,
  type PrePrepare,
  type PreparedProof,
  type ViewChange,
  type Vote,
  VoteKind,
} from './types.js';
import { Writer } from './writer.js';

const VOTE_BYTES = 1 + 8 + 8 + HASH_BYTES;
/** The CRC-32C closing a durable record. */
const CRC_BYTES = 4;
const VOTE_CODE: Readonly<Record<VoteKind, number>> = {
  [VoteKind.PrePrepare]: 1,
  [VoteKind.Prepare]: 2,
  [VoteKind.Commit]: 3,
  [VoteKind.NewView]: 4,
};
const VOTE_KINDS = [VoteKind.PrePrepare, VoteKind.Prepare, VoteKind.Commit, VoteKind.NewView];

const EVIDENCE_CODE: Readonly<Record<EvidenceKind, number>> = {
  [EvidenceKind.ConflictingPrePrepare]: 1,
  [EvidenceKind.ConflictingPrepare]: 2,
  [EvidenceKind.ConflictingCommit]: 3,
};
const EVIDENCE_KINDS = [
  EvidenceKind.ConflictingPrePrepare,
  EvidenceKind.ConflictingPrepare,
  EvidenceKind.ConflictingCommit,
];
/** The message type both messages of a kind of evidence have. */
const EVIDENCE_TYPE = [MessageType.PrePrepare, MessageType.Prepare, MessageType.Commit] as const;

function invalid(field: string, message: string): CodecError {
  return new CodecError(CodecErrorCode.InvalidInput, `${field}: ${message}`, { field });
}

function unordered(field: string, at: number): CodecError {
  return new CodecError(CodecErrorCode.BadValue, `${field}: not strictly ascending`, { field, at });
}

/** (view, seq, kind) order of votes: negative when a comes first. */
function voteOrder(a: Vote, b: Vote): number {
  return a.view - b.view || a.seq - b.seq || VOTE_CODE[a.kind] - VOTE_CODE[b.kind];
}

function writeFlag(w: Writer, v: boolean, field: string): void {
  if (typeof v !== 'boolean') throw invalid(field, 'not a boolean');
  w.u8(v ? 1 : 0);
}

/** The state's payload. Votes and proofs are sets: written sorted, two for one key refused. */
export function encodeConsensusState(s: PersistentState): Uint8Array {
  return writeConsensusState(s, 0);
}

/**
 * The payload, after `prefix` zero bytes and followed by `suffix` zero bytes, in one buffer (a
 * block's envelopes are copied once, straight into the record the WAL writes).
 */
function writeConsensusState(s: PersistentState, prefix: number, suffix = 0): Uint8Array {
  const votes = [...s.votes];
  for (const v of votes) if (VOTE_CODE[v.kind] === undefined) throw invalid('vote.kind', 'unknown');
  votes.sort(voteOrder);
  if (votes.length > MAX_STATE_VOTES) throw invalid('votes', `more than ${MAX_STATE_VOTES}`);
  const prepared = [...s.prepared].sort((a, b) => a.seq - b.seq);
  if (prepared.length > MAX_WINDOW_ENTRIES) throw invalid('prepared', `more than ${MAX_WINDOW_ENTRIES}`);
  const w = new Writer(prefix + sizeHint(votes.length, prepared) + suffix);
  w.take(prefix);
  w.u64(s.view, 'view');
  writeFlag(w, s.inViewChange, 'inViewChange');
  w.u64(s.stable.seq, 'stable.seq').bytes(s.stable.digest, HASH_BYTES, 'stable.digest');
  writeSigs(w, s.stable.signatures, 'stable.signatures');
  w.u16(votes.length, 'votes');
  votes.forEach((v, i) => {
    if (i > 0 && voteOrder(votes[i - 1]!, v) === 0) throw invalid('votes', 'two for one (kind, view, seq)');
    w.u8(VOTE_CODE[v.kind]).u64(v.view, 'vote.view').u64(v.seq, 'vote.seq');
    w.bytes(v.digest, HASH_BYTES, 'vote.digest');
  });
  w.u16(prepared.length, 'prepared');
  prepared.forEach((p, i) => {
    if (i > 0 && prepared[i - 1]!.seq === p.seq) throw invalid('prepared', 'two proofs for one seq');
    writeProof(w, p);
  });
  const vc = s.viewChange;
  writeFlag(w, vc !== null, 'viewChange');
  if (vc !== null) {
    if (vc.type !== MessageType.ViewChange) throw invalid('viewChange', 'not a VIEW-CHANGE');
    writeFramedMessage(w, vc, 'viewChange');
  }
  const nv = s.newView ?? null;
  writeFlag(w, nv !== null, 'newView');
  if (nv !== null) writeStoredNewView(w, nv);
  if (w.pos - prefix > MAX_CONSENSUS_STATE_BYTES) throw invalid('consensusState', 'over cap');
  w.take(suffix);
  return w.finish();
}

/** Bytes the state will take, roughly: one allocation for the common case. */
function sizeHint(votes: number, prepared: readonly PreparedProof[]): number {
  let n = 512 + votes * VOTE_BYTES;
  for (const p of prepared) {
    n += 320 + p.prepares.length * 66;
    for (const e of p.envelopes ?? []) n += 4 + e.length;
  }
  return n;
}

export function decodeConsensusState(b: Uint8Array): PersistentState {
  checkInputSize(b, MAX_CONSENSUS_STATE_BYTES, 'consensusState');
  const r = new Reader(b);
  const view = r.u64('view');
  const inViewChange = r.enumU8(0, 1, 'inViewChange') === 1;
  const stable = {
    seq: r.u64('stable.seq'),
    digest: r.bytes(HASH_BYTES, 'stable.digest'),
    signatures: readSigs(r, 'stable.signatures'),
  };
  const nv = r.length(r.u16('votes'), 0, MAX_STATE_VOTES, 'votes');
  r.ensure(nv * VOTE_BYTES, 'votes');
  const votes: Vote[] = new Array(nv);
  for (let i = 0; i < nv; i++) {
    const at = r.pos;
    const kind = VOTE_KINDS[r.enumU8(1, 4, 'vote.kind') - 1]!;
    const v = {
      kind,
      view: r.u64('vote.view'),
      seq: r.u64('vote.seq'),
      digest: r.bytes(HASH_BYTES, 'vote.digest'),
    };
    if (i > 0 && voteOrder(votes[i - 1]!, v) >= 0) throw unordered('votes', at);
    votes[i] = v;
  }
  const np = r.length(r.u16('prepared'), 0, MAX_WINDOW_ENTRIES, 'prepared');
  const prepared: PreparedProof[] = [];
  for (let i = 0; i < np; i++) {
    const at = r.pos;
    const p = readProof(r);
    if (i > 0 && prepared[i - 1]!.seq >= p.seq) throw unordered('prepared', at);
    prepared.push(p);
  }
  const viewChange =
    r.enumU8(0, 1, 'hasViewChange') === 1
      ? (readFramedMessage(r, 'viewChange', MessageType.ViewChange) as ViewChange)
      : null;
  const newView = r.enumU8(0, 1, 'hasNewView') === 1 ? readStoredNewView(r) : null;
  r.end('consensusState');
  return { view, inViewChange, stable, votes, prepared, viewChange, newView };
}

// The NEW-VIEW that started the current view, as the replica keeps it: its VIEW-CHANGEs whole
// (complete messages), its PRE-PREPAREs without their blocks' envelopes (a PRE-PREPARE signs its
// block by digest, and the header keeps the digest checkable). Not a wire message: a block whose
// tx count is not its envelope count has no PRE-PREPARE encoding.
//   sender u16 | signature 64 | view u64 | count u16 | frame: VIEW-CHANGE* |
//   count u16 | (sender u16 | signature 64 | view u64 | seq u64 | digest 32 | header 223)*
function writeStoredNewView(w: Writer, nv: NewView): void {
  if (nv.type !== MessageType.NewView) throw invalid('newView', 'not a NEW-VIEW');
  writeSender(w, nv.sender, 'newView.sender');
  w.bytes(nv.signature, SIGNATURE_BYTES, 'newView.signature').u64(nv.view, 'newView.view');
  if (nv.viewChanges.length > MAX_WINDOW_ENTRIES || nv.prePrepares.length > MAX_WINDOW_ENTRIES)
    throw invalid('newView', `more than ${MAX_WINDOW_ENTRIES} entries`);
  w.u16(nv.viewChanges.length, 'newView.viewChanges');
  for (const vc of nv.viewChanges) {
    if (vc.type !== MessageType.ViewChange) throw invalid('newView.viewChanges', 'not a VIEW-CHANGE');
    writeFramedMessage(w, vc, 'newView.viewChange');
  }
  w.u16(nv.prePrepares.length, 'newView.prePrepares');
  for (const pp of nv.prePrepares) {
    if (pp.type !== MessageType.PrePrepare) throw invalid('newView.prePrepares', 'not a PRE-PREPARE');
    if (pp.block.envelopes.length !== 0)
      throw invalid('newView.prePrepares', 'kept without block envelopes (the replica strips them)');
    writeSender(w, pp.sender, 'newView.prePrepare.sender');
    w.bytes(pp.signature, SIGNATURE_BYTES, 'newView.prePrepare.signature');
    w.u64(pp.view, 'newView.prePrepare.view').u64(pp.seq, 'newView.prePrepare.seq');
    w.bytes(pp.digest, HASH_BYTES, 'newView.prePrepare.digest');
    writeBlockHeader(w, pp.block.header);
  }
}

function readStoredNewView(r: Reader): NewView {
  const sender = readSender(r, 'newView.sender');
  const signature = r.bytes(SIGNATURE_BYTES, 'newView.signature');
  const view = r.u64('newView.view');
  const nvc = r.length(r.u16('newView.viewChanges'), 0, MAX_WINDOW_ENTRIES, 'newView.viewChanges');
  const viewChanges: ViewChange[] = [];
  for (let i = 0; i < nvc; i++)
    viewChanges.push(readFramedMessage(r, 'newView.viewChange', MessageType.ViewChange) as ViewChange);
  const npp = r.length(r.u16('newView.prePrepares'), 0, MAX_WINDOW_ENTRIES, 'newView.prePrepares');
  r.ensure(npp * STORED_PRE_PREPARE_BYTES, 'newView.prePrepares');
  const prePrepares: PrePrepare[] = [];
  for (let i = 0; i < npp; i++) {
    const ppSender = readSender(r, 'newView.prePrepare.sender');
    const ppSignature = r.bytes(SIGNATURE_BYTES, 'newView.prePrepare.signature');
    const ppView = r.u64('newView.prePrepare.view');
    const seq = r.u64('newView.prePrepare.seq');
    const digest = r.bytes(HASH_BYTES, 'newView.prePrepare.digest');
    const block = { header: readBlockHeader(r), envelopes: [] };
    prePrepares.push({
      type: MessageType.PrePrepare,
      view: ppView,
      seq,
      digest,
      block,
      sender: ppSender,
      signature: ppSignature,
    });
  }
  return { type: MessageType.NewView, view, viewChanges, prePrepares, sender, signature };
}

const STORED_PRE_PREPARE_BYTES = 2 + SIGNATURE_BYTES + 8 + 8 + HASH_BYTES + BLOCK_HEADER_BYTES;

function writeSender(w: Writer, sender: number, field: string): void {
  if (!(sender < MAX_VALIDATORS)) throw invalid(field, 'not a validator index');
  w.u16(sender, field);
}

function readSender(r: Reader, field: string): number {
  const sender = r.u16(field);
  if (sender >= MAX_VALIDATORS)
    throw new CodecError(CodecErrorCode.BadValue, `${field}: not a validator index`, { field, sender });
  return sender;
}

export function encodeEvidence(e: EvidenceRecord): Uint8Array {
  const code = EVIDENCE_CODE[e.kind];
  if (code === undefined) throw invalid('kind', 'unknown evidence kind');
  const type = EVIDENCE_TYPE[code - 1];
  if (e.first.type !== type || e.second.type !== type)
    throw invalid('kind', "messages not of the kind's type");
  const w = new Writer(512);
  w.u8(code).bytes(e.offender, PUBLIC_KEY_BYTES, 'offender');
  writeFramedMessage(w, e.first, 'first');
  writeFramedMessage(w, e.second, 'second');
  return w.finish();
}

export function decodeEvidence(b: Uint8Array): EvidenceRecord {
  checkInputSize(b, MAX_EVIDENCE_BYTES, 'evidence');
  const r = new Reader(b);
  const code = r.enumU8(1, 3, 'kind');
  const type = EVIDENCE_TYPE[code - 1]!;
  const offender = r.bytes(PUBLIC_KEY_BYTES, 'offender');
  // The type is checked before each message is parsed: these casts only name what was checked.
  const first = readFramedMessage(r, 'first', type) as EvidenceRecord['first'];
  const second = readFramedMessage(r, 'second', type) as EvidenceRecord['second'];
  r.end('evidence');
  return { kind: EVIDENCE_KINDS[code - 1]!, offender, first, second };
}

/** A consensus state as one durable record (what the WAL appends). */
export function encodeConsensusStateRecord(s: PersistentState): Uint8Array {
  const rec = writeConsensusState(s, DURABLE_HEADER_BYTES, CRC_BYTES);
  return sealDurableRecord(DurableKind.ConsensusState, rec);
}

export function decodeConsensusStateRecord(b: Uint8Array): PersistentState {
  return decodeConsensusState(decodeDurableRecord(b, DurableKind.ConsensusState));
}

/** Evidence as one durable record (one store value). */
export function encodeEvidenceRecord(e: EvidenceRecord): Uint8Array {
  return encodeDurableRecord(DurableKind.Evidence, encodeEvidence(e));
}

export function decodeEvidenceRecord(b: Uint8Array): EvidenceRecord {
  return decodeEvidence(decodeDurableRecord(b, DurableKind.Evidence));
}
