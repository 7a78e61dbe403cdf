// Lazy block readers: single header fields at their documented offsets, and where envelope i
// sits inside the encoded block (the Table 10-3 data recorder), without a full decode.

import { HEADER_OFFSET } from './block.js';
import {
  BLOCK_HEADER_BYTES,
  HASH_BYTES,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_ENVELOPES,
  MAX_ENVELOPE_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';

/** Where an envelope's bytes sit inside its encoded block. */
export interface EnvelopeLocation {
  offset: number;
  length: number;
}

function open(b: Uint8Array, at: number): Reader {
  checkInputSize(b, MAX_BLOCK_BYTES, 'block');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'header.version');
  r.ensure(BLOCK_HEADER_BYTES - 1, 'header');
  r.pos = at;
  return r;
}

export function blockHeight(b: Uint8Array): number {
  return open(b, HEADER_OFFSET.height).u64('header.height');
}

/** View of the parent hash. */
export function blockParentHash(b: Uint8Array): Uint8Array {
  return open(b, HEADER_OFFSET.parentHash).bytes(HASH_BYTES);
}

export function blockTxCount(b: Uint8Array): number {
  const r = open(b, HEADER_OFFSET.txCount);
  return r.length(r.u32('header.txCount'), 0, MAX_BLOCK_ENVELOPES, 'header.txCount');
}

/** View of the 223-byte encoded header (input of the block hash). */
export function blockHeaderBytes(b: Uint8Array): Uint8Array {
  open(b, 0);
  return b.subarray(0, BLOCK_HEADER_BYTES);
}

/** Offset and length of every envelope inside the encoded block (one walk over the length prefixes). */
export function blockEnvelopeLocations(b: Uint8Array): EnvelopeLocation[] {
  return walk(b, Number.POSITIVE_INFINITY);
}

/** Offset and length of envelope i (0-based) inside the encoded block. */
export function blockEnvelopeLocation(b: Uint8Array, i: number): EnvelopeLocation {
  const count = blockTxCount(b);
  if (!Number.isInteger(i) || i < 0 || i >= count)
    throw new CodecError(CodecErrorCode.InvalidInput, `envelope index ${i} not in [0, ${count})`, {
      field: 'index',
    });
  return walk(b, i)[i]!;
}

function walk(b: Uint8Array, last: number): EnvelopeLocation[] {
  const count = blockTxCount(b);
  const r = new Reader(b, BLOCK_HEADER_BYTES);
  const out: EnvelopeLocation[] = [];
  for (let i = 0; i < count && i <= last; i++) {
    const length = r.length(r.u32('block.envelope'), 1, MAX_ENVELOPE_BYTES, 'block.envelope');
    out.push({ offset: r.need(length, 'block.envelope'), length });
  }
  return out;
}
