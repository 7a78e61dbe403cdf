// Block header and block, see docs/wire-format.md §Block.
// Header (223 bytes, fixed): 0 version u8 | 1 chainId 32 | 33 height u64 | 41 view u64 |
// 49 time u64 | 57 parentHash 32 | 89 txRoot 32 | 121 txCount u32 | 125 stateRoot 32 |
// 157 validatorSetHash 32 | 189 proposer u16 | 191 hashLogRoot 32.
// Block: header || txCount x (length u32 || encoded envelope). The block codec does not look
// inside envelopes (admission already decoded each one); it only frames them.
import {
  BLOCK_HEADER_BYTES,
  HASH_BYTES,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_ENVELOPES,
  MAX_ENVELOPE_BYTES,
  MAX_VALIDATORS,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import type { Block, BlockHeader } from './types.js';
import { checkInt, Writer } from './writer.js';

export const HEADER_OFFSET = {
  chainId: 1,
  height: 33,
  view: 41,
  time: 49,
  parentHash: 57,
  txRoot: 89,
  txCount: 121,
  stateRoot: 125,
  validatorSetHash: 157,
  proposer: 189,
  hashLogRoot: 191,
} as const;

export function writeBlockHeader(w: Writer, h: BlockHeader): void {
  w.u8(WIRE_VERSION).bytes(h.chainId, HASH_BYTES, 'header.chainId');
  w.u64(h.height, 'header.height').u64(h.view, 'header.view').u64(h.time, 'header.time');
  w.bytes(h.parentHash, HASH_BYTES, 'header.parentHash').bytes(h.txRoot, HASH_BYTES, 'header.txRoot');
  checkInt(h.txCount, 0, MAX_BLOCK_ENVELOPES, 'header.txCount');
  w.u32(h.txCount).bytes(h.stateRoot, HASH_BYTES, 'header.stateRoot');
  w.bytes(h.validatorSetHash, HASH_BYTES, 'header.validatorSetHash');
  checkInt(h.proposer, 0, MAX_VALIDATORS - 1, 'header.proposer');
  w.u16(h.proposer).bytes(h.hashLogRoot, HASH_BYTES, 'header.hashLogRoot');
}

export function readBlockHeader(r: Reader): BlockHeader {
  readVersion(r, WIRE_VERSION, 'header.version');
  r.ensure(BLOCK_HEADER_BYTES - 1, 'header');
  return {
    chainId: r.bytes(HASH_BYTES),
    height: r.u64('header.height'),
    view: r.u64('header.view'),
    time: r.u64('header.time'),
    parentHash: r.bytes(HASH_BYTES),
    txRoot: r.bytes(HASH_BYTES),
    txCount: r.length(r.u32('header.txCount'), 0, MAX_BLOCK_ENVELOPES, 'header.txCount'),
    stateRoot: r.bytes(HASH_BYTES),
    validatorSetHash: r.bytes(HASH_BYTES),
    proposer: r.length(r.u16('header.proposer'), 0, MAX_VALIDATORS - 1, 'header.proposer'),
    hashLogRoot: r.bytes(HASH_BYTES),
  };
}

/** The 223-byte header alone (what blockHeaderHashInput takes). */
export function encodeBlockHeader(h: BlockHeader): Uint8Array {
  const w = new Writer(BLOCK_HEADER_BYTES);
  writeBlockHeader(w, h);
  return w.finish();
}

export function decodeBlockHeader(b: Uint8Array): BlockHeader {
  const r = new Reader(b);
  const h = readBlockHeader(r);
  r.end('header');
  return h;
}

export function blockSize(block: Block): number {
  let n = BLOCK_HEADER_BYTES;
  for (const e of block.envelopes) n += 4 + e.length;
  return n;
}

export function writeBlock(w: Writer, block: Block): void {
  const { header, envelopes } = block;
  if (!Array.isArray(envelopes) || header.txCount !== envelopes.length)
    throw new CodecError(CodecErrorCode.InvalidInput, 'block: txCount differs from envelope count', {
      field: 'header.txCount',
    });
  writeBlockHeader(w, header);
  for (const e of envelopes) w.bytes32(e, 1, MAX_ENVELOPE_BYTES, 'block.envelope');
}

export function encodeBlock(block: Block): Uint8Array {
  const size = blockSize(block);
  if (size > MAX_BLOCK_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'block over cap', { field: 'block', n: size });
  const w = new Writer(size);
  writeBlock(w, block);
  return w.finish();
}

/** Reads a block from r up to r.limit (a block is always framed by its container or input). */
export function readBlock(r: Reader): Block {
  const header = readBlockHeader(r);
  // Each envelope takes at least 5 bytes: a count the input cannot hold is refused before allocating.
  r.ensure(header.txCount * 5, 'block.envelopes');
  const envelopes: Uint8Array[] = new Array(header.txCount);
  for (let i = 0; i < header.txCount; i++) envelopes[i] = r.bytes32(1, MAX_ENVELOPE_BYTES, 'block.envelope');
  return { header, envelopes };
}

export function decodeBlock(b: Uint8Array): Block {
  checkInputSize(b, MAX_BLOCK_BYTES, 'block');
  const r = new Reader(b);
  const block = readBlock(r);
  r.end('block');
  return block;
}
