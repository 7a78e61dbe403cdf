// Wire layout of the PBFT messages (consensus/), exact in docs/wire-format.md §9.
// Every message: 0 version u8 | 1 type u8 | 2 sender u16 | 4 signature 64 | 68 body by type:
//   PRE-PREPARE   view u64 | seq u64 | digest 32 | block length u32 | block (codec/block.ts)
//   PREPARE, COMMIT  view u64 | seq u64 | digest 32
//   CHECKPOINT    seq u64 | digest 32
//   VIEW-CHANGE   newView u64 | stableSeq u64 | stableDigest 32 | sigs | proof count u16 | proofs
//                 proof: view u64 | seq u64 | digest 32 | header 223 | prePrepareSig 64 | sigs |
//                        body flag u8 (1: envelope count u32 | (length u32 | bytes)*)
//   NEW-VIEW      view u64 | count u16 | (length u32 | VIEW-CHANGE)* | count u16 | (length u32 | PRE-PREPARE)*
//   STATE-REQUEST fromHeight u64 | toHeight u64 | flag u8 (1: key 32, the signer named by key)
//   STATE-RESPONSE count u16 | (length u32 | certified block)* | flag u8 (1: seq u64 | digest 32 | sigs)
// sigs = count u16 | (sender u16 | signature 64)*, senders strictly ascending.
// Signing bytes are defined apart, in consensus-signing.ts. Decoders bound every count and
// length by the bytes present and by the caps below before allocating.
import { readBlock, readBlockHeader, writeBlock, writeBlockHeader } from './block.js';
import {
  HASH_BYTES,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_ENVELOPES,
  MAX_CERTIFIED_BLOCK_BYTES,
  MAX_CONSENSUS_MESSAGE_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_STATE_BLOCKS,
  MAX_VALIDATORS,
  MAX_WINDOW_ENTRIES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { decodeCertifiedBlock, encodeCertifiedBlock } from './certificate.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import {
  type CheckpointProof,
  type ConsensusMessage,
  MessageType,
  type PrePrepare,
  type PreparedProof,
  type StateRequest,
  type ViewChange,
} from './types.js';
import { Writer } from './writer.js';

// The caps live in caps.ts with every other; re-exported for importers of this module.
export { MAX_CONSENSUS_MESSAGE_BYTES, MAX_STATE_BLOCKS, MAX_WINDOW_ENTRIES } from './caps.js';

type Sig = { sender: number; signature: Uint8Array };

// The signature list, the prepared proof and the framed message are exported for the durable
// consensus state and evidence (consensus-state.ts), which hold them in the same layouts.

export function writeSigs(w: Writer, sigs: readonly Sig[], field: string): void {
  if (sigs.length > MAX_VALIDATORS)
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: too many signatures`, { field });
  w.u16(sigs.length, field);
  let prev = -1;
  for (const s of sigs) {
    // The decoder's rule exactly: an encoder must never emit bytes its own decoder refuses.
    if (!(s.sender > prev) || !(s.sender < MAX_VALIDATORS))
      throw new CodecError(CodecErrorCode.InvalidInput, `${field}: senders not ascending validator indexes`, {
        field,
      });
    prev = s.sender;
    w.u16(s.sender, `${field}.sender`).bytes(s.signature, SIGNATURE_BYTES, `${field}.signature`);
  }
}

export function readSigs(r: Reader, field: string): Sig[] {
  const n = r.length(r.u16(field), 0, MAX_VALIDATORS, field);
  r.ensure(n * (2 + SIGNATURE_BYTES), field);
  const out: Sig[] = new Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const sender = r.u16(`${field}.sender`);
    if (sender <= prev || sender >= MAX_VALIDATORS)
      throw new CodecError(CodecErrorCode.BadValue, `${field}: senders not strictly ascending`, {
        field,
        sender,
      });
    prev = sender;
    out[i] = { sender, signature: r.bytes(SIGNATURE_BYTES, `${field}.signature`) };
  }
  return out;
}

/** u32 length | the bytes `write` produces (written apart first, to learn the length). */
function framed(w: Writer, cap: number, field: string, write: (w: Writer) => void): void {
  const inner = new Writer();
  write(inner);
  w.bytes32(inner.finish(), 0, cap, field);
}

/** Reads a u32-framed part with its own bounded Reader, which must be consumed exactly. */
function readFramed<T>(r: Reader, cap: number, field: string, read: (r: Reader) => T): T {
  const len = r.length(r.u32(field), 0, cap, field);
  const start = r.need(len, field);
  const inner = new Reader(r.buf, start, start + len);
  const v = read(inner);
  inner.end(field);
  return v;
}

export function writeProof(w: Writer, p: PreparedProof): void {
  w.u64(p.view, 'proof.view').u64(p.seq, 'proof.seq').bytes(p.digest, HASH_BYTES, 'proof.digest');
  writeBlockHeader(w, p.header);
  w.bytes(p.prePrepareSignature, SIGNATURE_BYTES, 'proof.prePrepareSignature');
  writeSigs(w, p.prepares, 'proof.prepares');
  if (p.envelopes === undefined) {
    w.u8(0);
    return;
  }
  if (p.envelopes.length > MAX_BLOCK_ENVELOPES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'proof.envelopes: over cap', {
      field: 'proof.envelopes',
    });
  w.u8(1).u32(p.envelopes.length, 'proof.envelopes');
  for (const e of p.envelopes) w.bytes32(e, 1, MAX_ENVELOPE_BYTES, 'proof.envelope');
}

export function readProof(r: Reader): PreparedProof {
  const view = r.u64('proof.view');
  const seq = r.u64('proof.seq');
  const digest = r.bytes(HASH_BYTES, 'proof.digest');
  const header = readBlockHeader(r);
  const prePrepareSignature = r.bytes(SIGNATURE_BYTES, 'proof.prePrepareSignature');
  const prepares = readSigs(r, 'proof.prepares');
  const p: PreparedProof = { view, seq, digest, header, prePrepareSignature, prepares };
  if (r.enumU8(0, 1, 'proof.hasBody') === 1) {
    const n = r.length(r.u32('proof.envelopes'), 0, MAX_BLOCK_ENVELOPES, 'proof.envelopes');
    r.ensure(n * 5, 'proof.envelopes');
    p.envelopes = new Array(n);
    for (let i = 0; i < n; i++) p.envelopes[i] = r.bytes32(1, MAX_ENVELOPE_BYTES, 'proof.envelope');
  }
  return p;
}

function writeBody(w: Writer, m: ConsensusMessage): void {
  switch (m.type) {
    case MessageType.PrePrepare:
      w.u64(m.view, 'view').u64(m.seq, 'seq').bytes(m.digest, HASH_BYTES, 'digest');
      framed(w, MAX_BLOCK_BYTES, 'block', (b) => writeBlock(b, m.block));
      return;
    case MessageType.Prepare:
    case MessageType.Commit:
      w.u64(m.view, 'view').u64(m.seq, 'seq').bytes(m.digest, HASH_BYTES, 'digest');
      return;
    case MessageType.Checkpoint:
      w.u64(m.seq, 'seq').bytes(m.digest, HASH_BYTES, 'digest');
      return;
    case MessageType.ViewChange:
      w.u64(m.newView, 'newView')
        .u64(m.stableSeq, 'stableSeq')
        .bytes(m.stableDigest, HASH_BYTES, 'stableDigest');
      writeSigs(w, m.checkpointProof, 'checkpointProof');
      w.u16(count(m.prepared.length, 'prepared'), 'prepared');
      for (const p of m.prepared) writeProof(w, p);
      return;
    case MessageType.NewView:
      w.u64(m.view, 'view').u16(count(m.viewChanges.length, 'viewChanges'), 'viewChanges');
      for (const vc of m.viewChanges) writeFramedMessage(w, vc, 'viewChange');
      w.u16(count(m.prePrepares.length, 'prePrepares'), 'prePrepares');
      for (const pp of m.prePrepares) writeFramedMessage(w, pp, 'prePrepare');
      return;
    case MessageType.StateRequest:
      w.u64(m.fromHeight, 'fromHeight').u64(m.toHeight, 'toHeight');
      w.u8(m.key === undefined ? 0 : 1);
      if (m.key !== undefined) w.bytes(m.key, PUBLIC_KEY_BYTES, 'key');
      return;
    case MessageType.StateResponse: {
      if (m.blocks.length > MAX_STATE_BLOCKS)
        throw new CodecError(CodecErrorCode.InvalidInput, 'blocks: too many', { field: 'blocks' });
      w.u16(m.blocks.length, 'blocks');
      for (const cb of m.blocks) w.bytes32(encodeCertifiedBlock(cb), 1, MAX_CERTIFIED_BLOCK_BYTES, 'block');
      const c = m.checkpoint;
      w.u8(c === undefined ? 0 : 1);
      if (c !== undefined) {
        w.u64(c.seq, 'checkpoint.seq').bytes(c.digest, HASH_BYTES, 'checkpoint.digest');
        writeSigs(w, c.signatures, 'checkpoint.signatures');
      }
      // Only a pruned answer carries the trailing section, so every other response keeps its bytes.
      if (m.earliestHeight !== undefined) w.u8(1).u64(m.earliestHeight, 'earliestHeight');
      return;
    }
  }
}

function count(n: number, field: string): number {
  if (n > MAX_WINDOW_ENTRIES)
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: more than ${MAX_WINDOW_ENTRIES}`, {
      field,
      n,
    });
  return n;
}

function writeMessage(w: Writer, m: ConsensusMessage): void {
  if (m.sender >= MAX_VALIDATORS)
    throw new CodecError(CodecErrorCode.InvalidInput, 'sender: not a validator index', { field: 'sender' });
  w.u8(WIRE_VERSION).u8(m.type, 'type').u16(m.sender, 'sender');
  w.bytes(m.signature, SIGNATURE_BYTES, 'signature');
  writeBody(w, m);
}

function readMessage(r: Reader): ConsensusMessage {
  readVersion(r, WIRE_VERSION, 'version');
  const type = r.enumU8(MessageType.PrePrepare, MessageType.StateResponse, 'type') as MessageType;
  const sender = r.u16('sender');
  if (sender >= MAX_VALIDATORS)
    throw new CodecError(CodecErrorCode.BadValue, 'sender: not a validator index', {
      field: 'sender',
      sender,
    });
  const signature = r.bytes(SIGNATURE_BYTES, 'signature');
  const s = { sender, signature };
  switch (type) {
    case MessageType.PrePrepare: {
      const view = r.u64('view');
      const seq = r.u64('seq');
      const digest = r.bytes(HASH_BYTES, 'digest');
      const block = readFramed(r, MAX_BLOCK_BYTES, 'block', readBlock);
      return { type, view, seq, digest, block, ...s };
    }
    case MessageType.Prepare:
    case MessageType.Commit:
      return { type, view: r.u64('view'), seq: r.u64('seq'), digest: r.bytes(HASH_BYTES, 'digest'), ...s };
    case MessageType.Checkpoint:
      return { type, seq: r.u64('seq'), digest: r.bytes(HASH_BYTES, 'digest'), ...s };
    case MessageType.ViewChange: {
      const newView = r.u64('newView');
      const stableSeq = r.u64('stableSeq');
      const stableDigest = r.bytes(HASH_BYTES, 'stableDigest');
      const checkpointProof = readSigs(r, 'checkpointProof');
      const n = r.length(r.u16('prepared'), 0, MAX_WINDOW_ENTRIES, 'prepared');
      const prepared: PreparedProof[] = [];
      for (let i = 0; i < n; i++) prepared.push(readProof(r));
      return { type, newView, stableSeq, stableDigest, checkpointProof, prepared, ...s };
    }
    case MessageType.NewView: {
      const view = r.u64('view');
      const viewChanges = readList(r, 'viewChanges', MessageType.ViewChange) as ViewChange[];
      const prePrepares = readList(r, 'prePrepares', MessageType.PrePrepare) as PrePrepare[];
      return { type, view, viewChanges, prePrepares, ...s };
    }
    case MessageType.StateRequest: {
      const m: StateRequest = { type, fromHeight: r.u64('fromHeight'), toHeight: r.u64('toHeight'), ...s };
      if (r.enumU8(0, 1, 'hasKey') === 1) m.key = r.bytes(PUBLIC_KEY_BYTES, 'key');
      return m;
    }
    case MessageType.StateResponse: {
      const n = r.length(r.u16('blocks'), 0, MAX_STATE_BLOCKS, 'blocks');
      const blocks = [];
      for (let i = 0; i < n; i++)
        blocks.push(decodeCertifiedBlock(r.bytes32(1, MAX_CERTIFIED_BLOCK_BYTES, 'block')));
      const m: ConsensusMessage = { type, blocks, ...s };
      if (r.enumU8(0, 1, 'hasCheckpoint') === 1) {
        const cp: CheckpointProof = {
          seq: r.u64('checkpoint.seq'),
          digest: r.bytes(HASH_BYTES, 'checkpoint.digest'),
          signatures: readSigs(r, 'checkpoint.signatures'),
        };
        m.checkpoint = cp;
      }
      if (r.remaining() > 0) {
        r.enumU8(1, 1, 'hasEarliestHeight');
        m.earliestHeight = r.u64('earliestHeight');
      }
      return m;
    }
  }
}

/** A list of framed messages that must all be of one type (a NEW-VIEW's contents). */
function readList(r: Reader, field: string, want: MessageType): ConsensusMessage[] {
  const n = r.length(r.u16(field), 0, MAX_WINDOW_ENTRIES, field);
  const out: ConsensusMessage[] = [];
  for (let i = 0; i < n; i++) out.push(readFramedMessage(r, field, want));
  return out;
}

/** u32 length | one complete message (frame cap MAX_CONSENSUS_MESSAGE_BYTES). */
export function writeFramedMessage(w: Writer, m: ConsensusMessage, field: string): void {
  framed(w, MAX_CONSENSUS_MESSAGE_BYTES, field, (b) => writeMessage(b, m));
}

/** One framed message that must be of type `want`. */
export function readFramedMessage(r: Reader, field: string, want: MessageType): ConsensusMessage {
  return readFramed(r, MAX_CONSENSUS_MESSAGE_BYTES, field, (inner) => {
    // The type byte is checked before the body is parsed: a NEW-VIEW nested in a NEW-VIEW would
    // otherwise recurse as deep as the input allows.
    if (inner.remaining() >= 2 && inner.buf[inner.pos + 1] !== want)
      throw new CodecError(CodecErrorCode.BadValue, `${field}: wrong message type`, { field });
    return readMessage(inner);
  });
}

export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  const w = new Writer(m.type === MessageType.PrePrepare ? 512 + m.block.envelopes.length * 300 : 256);
  writeMessage(w, m);
  const out = w.finish();
  if (out.length > MAX_CONSENSUS_MESSAGE_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'consensus message over cap', { n: out.length });
  return out;
}

export function decodeConsensusMessage(b: Uint8Array): ConsensusMessage {
  checkInputSize(b, MAX_CONSENSUS_MESSAGE_BYTES, 'consensusMessage');
  const r = new Reader(b);
  const m = readMessage(r);
  r.end('consensusMessage');
  return m;
}
