// A proposal by reference and the exchange that completes it (docs/wire-format.md §9.1, §9.2).
// Every replica already holds a proposal's envelopes from gossip, so the primary sends the
// PRE-PREPARE with the block header and the envelopes' tracing codes instead of the envelopes;
// a replica rebuilds the block from its mempool and asks the primary only for the ones it lacks.
//   PROPOSAL   version u8 | type u8 (9) | sender u16 | signature 64 | view u64 | seq u64 |
//              digest 32 | header 223 | code 32 × header.txCount
//   BODIES-REQUEST   version u8 | kind u8 (1) | digest 32 | count u32 | index u32 × count
//                    (indexes into the proposal, strictly ascending, below MAX_BLOCK_ENVELOPES)
//   BODIES-RESPONSE  version u8 | count u32 | (length u32 | envelope) × count
// The signature is the PRE-PREPARE's own (it signs view, seq and digest, never the body), so the
// same signed message travels either way. Decoders bound every count by the bytes present and
// the caps before they allocate.
import { readBlockHeader, writeBlockHeader } from './block.js';
import {
  BLOCK_HEADER_BYTES,
  HASH_BYTES,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_ENVELOPES,
  MAX_ENVELOPE_BYTES,
  MAX_VALIDATORS,
  SIGNATURE_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import type { BlockHeader, Hash32, Signature } from './types.js';
import { Writer } from './writer.js';

/**
 * Type byte of a PROPOSAL, numbered after the core's messages (codec/types.ts MessageType, 1..8)
 * on the same channel; the core never sees one, so it is not one of its MessageTypes.
 */
export const PROPOSAL_TYPE = 9;

/** A PRE-PREPARE whose block travels as its header and its envelopes' tracing codes. */
export interface ProposalRef {
  sender: number;
  signature: Signature;
  view: number;
  seq: number;
  /** Block hash (hash of the encoded header). */
  digest: Hash32;
  header: BlockHeader;
  /** Tracing codes in block order, header.txCount of them. */
  codes: Hash32[];
}

/** A replica asks the primary for the envelopes of a proposal it lacks. */
export interface BodiesRequest {
  digest: Hash32;
  /** Indexes into the proposal's codes, strictly ascending. */
  indexes: number[];
}

/** Kind byte of a request on the request/response protocol (docs/network.md). */
export const BODIES_REQUEST_KIND = 1;

const REF_FIXED = 4 + SIGNATURE_BYTES + 16 + HASH_BYTES + BLOCK_HEADER_BYTES;

/** Largest PROPOSAL: the fixed part and MAX_BLOCK_ENVELOPES codes. */
export const MAX_PROPOSAL_REF_BYTES = REF_FIXED + MAX_BLOCK_ENVELOPES * HASH_BYTES;
/** Largest BODIES-REQUEST: every index of a full block. */
export const MAX_BODIES_REQUEST_BYTES = 2 + HASH_BYTES + 4 + MAX_BLOCK_ENVELOPES * 4;
/** Largest BODIES-RESPONSE: a block's envelopes and their length prefixes. */
export const MAX_BODIES_RESPONSE_BYTES = 1 + 4 + MAX_BLOCK_BYTES + MAX_BLOCK_ENVELOPES * 4;

const bad = (field: string, why: string): CodecError =>
  new CodecError(CodecErrorCode.InvalidInput, `${field}: ${why}`, { field });

/** Whether a consensus-channel message is a PROPOSAL (its type byte), before decoding it. */
export function isProposalRef(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[1] === PROPOSAL_TYPE;
}

export function encodeProposalRef(m: ProposalRef): Uint8Array {
  if (m.sender >= MAX_VALIDATORS) throw bad('sender', 'not a validator index');
  if (m.codes.length !== m.header.txCount) throw bad('codes', 'count differs from header.txCount');
  const w = new Writer(REF_FIXED + m.codes.length * HASH_BYTES);
  w.u8(WIRE_VERSION).u8(PROPOSAL_TYPE).u16(m.sender, 'sender');
  w.bytes(m.signature, SIGNATURE_BYTES, 'signature');
  w.u64(m.view, 'view').u64(m.seq, 'seq').bytes(m.digest, HASH_BYTES, 'digest');
  writeBlockHeader(w, m.header);
  for (const c of m.codes) w.bytes(c, HASH_BYTES, 'code');
  return w.finish();
}

export function decodeProposalRef(b: Uint8Array): ProposalRef {
  checkInputSize(b, MAX_PROPOSAL_REF_BYTES, 'proposal');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'version');
  r.enumU8(PROPOSAL_TYPE, PROPOSAL_TYPE, 'type');
  const sender = r.u16('sender');
  if (sender >= MAX_VALIDATORS)
    throw new CodecError(CodecErrorCode.BadValue, 'sender: not a validator index', { field: 'sender' });
  const signature = r.bytes(SIGNATURE_BYTES, 'signature');
  const view = r.u64('view');
  const seq = r.u64('seq');
  const digest = r.bytes(HASH_BYTES, 'digest');
  const header = readBlockHeader(r);
  r.ensure(header.txCount * HASH_BYTES, 'codes');
  const codes: Hash32[] = new Array(header.txCount);
  for (let i = 0; i < header.txCount; i++) codes[i] = r.bytes(HASH_BYTES, 'code');
  r.end('proposal');
  return { sender, signature, view, seq, digest, header, codes };
}

export function encodeBodiesRequest(q: BodiesRequest): Uint8Array {
  if (q.indexes.length === 0 || q.indexes.length > MAX_BLOCK_ENVELOPES)
    throw bad('indexes', 'count out of range');
  const w = new Writer(2 + HASH_BYTES + 4 + q.indexes.length * 4);
  w.u8(WIRE_VERSION).u8(BODIES_REQUEST_KIND).bytes(q.digest, HASH_BYTES, 'digest');
  w.u32(q.indexes.length, 'count');
  let prev = -1;
  for (const i of q.indexes) {
    if (!(i > prev && i < MAX_BLOCK_ENVELOPES)) throw bad('indexes', 'not ascending block indexes');
    prev = i;
    w.u32(i, 'index');
  }
  return w.finish();
}

export function decodeBodiesRequest(b: Uint8Array): BodiesRequest {
  checkInputSize(b, MAX_BODIES_REQUEST_BYTES, 'bodiesRequest');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'version');
  r.enumU8(BODIES_REQUEST_KIND, BODIES_REQUEST_KIND, 'kind');
  const digest = r.bytes(HASH_BYTES, 'digest');
  const n = r.length(r.u32('count'), 1, MAX_BLOCK_ENVELOPES, 'count');
  r.ensure(n * 4, 'indexes');
  const indexes: number[] = new Array(n);
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const i = r.u32('index');
    if (i <= prev || i >= MAX_BLOCK_ENVELOPES)
      throw new CodecError(CodecErrorCode.BadValue, 'indexes: not strictly ascending block indexes', {
        field: 'indexes',
      });
    indexes[k] = prev = i;
  }
  r.end('bodiesRequest');
  return { digest, indexes };
}

export function encodeBodiesResponse(envelopes: readonly Uint8Array[]): Uint8Array {
  if (envelopes.length > MAX_BLOCK_ENVELOPES) throw bad('envelopes', 'too many');
  let size = 5;
  for (const e of envelopes) size += 4 + e.length;
  if (size > MAX_BODIES_RESPONSE_BYTES) throw bad('envelopes', 'over the response cap');
  const w = new Writer(size);
  w.u8(WIRE_VERSION).u32(envelopes.length, 'count');
  for (const e of envelopes) w.bytes32(e, 1, MAX_ENVELOPE_BYTES, 'envelope');
  return w.finish();
}

/** `expected`: the count asked for; any other count is refused before anything is read. */
export function decodeBodiesResponse(b: Uint8Array, expected: number): Uint8Array[] {
  checkInputSize(b, MAX_BODIES_RESPONSE_BYTES, 'bodiesResponse');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'version');
  const n = r.length(r.u32('count'), expected, expected, 'count');
  r.ensure(n * 5, 'envelopes');
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = r.bytes32(1, MAX_ENVELOPE_BYTES, 'envelope');
  r.end('bodiesResponse');
  return out;
}
