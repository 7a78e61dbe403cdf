// What the indexes need from an encoded CertifiedBlock, read with codec's lazy readers: header and
// certificate bytes, block hash, and per envelope its tracing code, its place inside the encoded
// block (Table 10-3 data recorder) and, for uploads, the clear routing metadata.
import { blockEnvelopeLocations, blockHeaderBytes } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes, decodeCertifiedBlock } from '../../codec/certificate.js';
import { envelopeKind, envelopeRouting, envelopeTime } from '../../codec/envelope-view.js';
import { blockHeaderHashInput } from '../../codec/signing.js';
import { type CertifiedBlock, EnvelopeKind } from '../../codec/types.js';
import { sha256, tracingCode } from '../../crypto/hash.js';
import { StoreError, StoreErrorCode } from './errors.js';
import type { BlockFacts } from './index-batch.js';
import { blockChunkLevel } from './proof.js';

/** Block hash = SHA-256 of the domain-tagged 223-byte encoded header. */
export function headerHash(headerBytes: Uint8Array): Uint8Array {
  return sha256(blockHeaderHashInput(headerBytes));
}

/** Offset of the encoded block inside an encoded CertifiedBlock. */
export function blockStart(certified: Uint8Array): number {
  return certifiedBlockBlockBytes(certified).byteOffset - certified.byteOffset;
}

/** Tracing code of an envelope's bytes; the node passes one that remembers codes it computed already. */
export type EnvelopeHasher = (envelope: Uint8Array) => Uint8Array;

/**
 * `hash` gets the decoded block's own envelope arrays (equal to the encoded ones): the node hashed
 * those at admission or pre-verification and remembers the codes per array, so a commit does not
 * hash every envelope again (profiled: one of six SHA-256 passes over each envelope).
 */
export function blockFacts(
  certified: Uint8Array,
  decoded: CertifiedBlock,
  hash: EnvelopeHasher = tracingCode,
): BlockFacts {
  const block = certifiedBlockBlockBytes(certified);
  const headerBytes = blockHeaderBytes(block);
  const start = block.byteOffset - certified.byteOffset;
  const own = decoded.block.envelopes;
  const envelopes = blockEnvelopeLocations(block).map(({ offset, length }, i) => {
    const env = block.subarray(offset, offset + length);
    const tc = hash(own[i] ?? env);
    if (envelopeKind(env) !== EnvelopeKind.KpiUpload) return { tracingCode: tc, offset, length };
    return { tracingCode: tc, offset, length, upload: { time: envelopeTime(env), ...envelopeRouting(env) } };
  });
  return {
    height: decoded.block.header.height,
    hash: headerHash(headerBytes),
    headerBytes,
    certificateBytes: certified.subarray(start + block.length),
    blockStart: start,
    envelopes,
    chunkLevel: blockChunkLevel(
      own,
      envelopes.map((e) => e.tracingCode),
    ),
  };
}

/** Decodes a block read back from the log; a payload that passed its checksum but does not decode is corruption. */
export function decodeStoredBlock(payload: Uint8Array): CertifiedBlock {
  try {
    return decodeCertifiedBlock(payload);
  } catch (err) {
    throw new StoreError(StoreErrorCode.Corrupt, `stored block does not decode: ${String(err)}`);
  }
}
