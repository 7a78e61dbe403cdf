// Commit certificate and certified block, see docs/wire-format.md §Commit certificate.
// Certificate: 0 version u8 | 1 height u64 | 9 view u64 | 17 blockHash 32 | 49 count u16 |
// 51 count x (validator u16 | signature 64), validators strictly ascending.
// Certified block: 0 version u8 | 1 block length u32 | 5 block | certificate (to the end).
// Each signature is over commitSigningBytes(header.chainId, view, height, blockHash).

import { blockSize, readBlock, writeBlock } from './block.js';
import {
  HASH_BYTES,
  MAX_BLOCK_BYTES,
  MAX_CERTIFICATE_BYTES,
  MAX_CERTIFIED_BLOCK_BYTES,
  MAX_VALIDATORS,
  SIGNATURE_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import type { CertifiedBlock, CommitCertificate, CommitSignature } from './types.js';
import { checkInt, Writer } from './writer.js';

export const CERTIFICATE_FIXED_BYTES = 51;
const ENTRY_BYTES = 2 + SIGNATURE_BYTES;

export function commitCertificateSize(c: CommitCertificate): number {
  return CERTIFICATE_FIXED_BYTES + ENTRY_BYTES * c.signatures.length;
}

export function writeCommitCertificate(w: Writer, c: CommitCertificate): void {
  w.u8(WIRE_VERSION).u64(c.height, 'cert.height').u64(c.view, 'cert.view');
  w.bytes(c.blockHash, HASH_BYTES, 'cert.blockHash');
  checkInt(c.signatures.length, 1, MAX_VALIDATORS, 'cert.signatures');
  w.u16(c.signatures.length);
  let prev = -1;
  for (const s of c.signatures) {
    checkInt(s.validator, prev + 1, MAX_VALIDATORS - 1, 'cert.validator');
    prev = s.validator;
    w.u16(s.validator).bytes(s.signature, SIGNATURE_BYTES, 'cert.signature');
  }
}

export function readCommitCertificate(r: Reader): CommitCertificate {
  readVersion(r, WIRE_VERSION, 'cert.version');
  const height = r.u64('cert.height');
  const view = r.u64('cert.view');
  const blockHash = r.bytes(HASH_BYTES, 'cert.blockHash');
  const n = r.length(r.u16('cert.count'), 1, MAX_VALIDATORS, 'cert.count');
  r.ensure(n * ENTRY_BYTES, 'cert.signatures');
  const signatures: CommitSignature[] = new Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const validator = r.u16('cert.validator');
    if (validator <= prev || validator >= MAX_VALIDATORS)
      throw new CodecError(
        CodecErrorCode.BadValue,
        'cert: validators not strictly ascending or out of range',
        {
          field: 'cert.validator',
          validator,
        },
      );
    prev = validator;
    signatures[i] = { validator, signature: r.bytes(SIGNATURE_BYTES, 'cert.signature') };
  }
  return { height, view, blockHash, signatures };
}

export function encodeCommitCertificate(c: CommitCertificate): Uint8Array {
  const w = new Writer(commitCertificateSize(c));
  writeCommitCertificate(w, c);
  return w.finish();
}

export function decodeCommitCertificate(b: Uint8Array): CommitCertificate {
  checkInputSize(b, MAX_CERTIFICATE_BYTES, 'cert');
  const r = new Reader(b);
  const c = readCommitCertificate(r);
  r.end('cert');
  return c;
}

export function encodeCertifiedBlock(cb: CertifiedBlock): Uint8Array {
  const { block, certificate } = cb;
  if (certificate.height !== block.header.height)
    throw new CodecError(CodecErrorCode.InvalidInput, 'certificate height differs from block height', {
      field: 'cert.height',
    });
  const size = blockSize(block);
  checkInt(size, 0, MAX_BLOCK_BYTES, 'block.size');
  const w = new Writer(1 + 4 + size + commitCertificateSize(certificate));
  w.u8(WIRE_VERSION).u32(size);
  writeBlock(w, block);
  writeCommitCertificate(w, certificate);
  return w.finish();
}

/** Reads the framing of a certified block; r is left just after the block, which is returned as a view. */
function readFraming(b: Uint8Array): { r: Reader; blockBytes: Uint8Array } {
  checkInputSize(b, MAX_CERTIFIED_BLOCK_BYTES, 'certifiedBlock');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'certifiedBlock.version');
  const size = r.length(
    r.u32('certifiedBlock.blockLength'),
    0,
    MAX_BLOCK_BYTES,
    'certifiedBlock.blockLength',
  );
  return { r, blockBytes: r.bytes(size, 'certifiedBlock.block') };
}

export function decodeCertifiedBlock(b: Uint8Array): CertifiedBlock {
  const { r, blockBytes } = readFraming(b);
  const br = new Reader(blockBytes);
  const block = readBlock(br);
  br.end('block');
  const certificate = readCommitCertificate(r);
  r.end('certifiedBlock');
  if (certificate.height !== block.header.height)
    throw new CodecError(CodecErrorCode.BadValue, 'certificate height differs from block height', {
      field: 'cert.height',
    });
  return { block, certificate };
}

/** View of the encoded block inside an encoded certified block (what a trace hashes and proves). */
export function certifiedBlockBlockBytes(b: Uint8Array): Uint8Array {
  return readFraming(b).blockBytes;
}
