// The saved form of a trace bundle (`bkdms trace --out`, `bkdms verify`; docs/wire-format.md §11,
// "Trace bundle file"): everything needed to check one commit offline, in one self-describing byte
// string. The Merkle path travels in the compact inclusion-proof encoding (crypto/
// merkle-proof-codec.ts), whose tree size must equal the header's tx count, so a file has exactly
// one encoding. Every length is checked against its cap before anything is read.
import { decodeBlockHeader } from '../codec/block.js';
import { BLOCK_HEADER_BYTES, MAX_CERTIFICATE_BYTES, MAX_ENVELOPE_BYTES } from '../codec/caps.js';
import { decodeInclusionProof, encodeInclusionProof } from '../crypto/merkle-proof-codec.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { ProofFileReader } from './file-reader.js';
import type { TraceBundleBytes } from './types.js';

/** "BKDMS/v1/trace-bundle\0" in ASCII: the file's first 22 bytes. */
export const TRACE_FILE_MAGIC = new TextEncoder().encode('BKDMS/v1/trace-bundle\0');
export const TRACE_FILE_VERSION = 1;
/** A compact inclusion proof: kind, two varints of at most 8 bytes, count, 128 hashes at most. */
const MAX_PROOF_BYTES = 1 + 8 + 8 + 1 + 128 * 32;
export const MAX_TRACE_FILE_BYTES =
  TRACE_FILE_MAGIC.length +
  1 +
  4 +
  MAX_ENVELOPE_BYTES +
  BLOCK_HEADER_BYTES +
  2 +
  MAX_PROOF_BYTES +
  4 +
  MAX_CERTIFICATE_BYTES;

function malformed(message: string, field: string): ApiError {
  return new ApiError(ApiErrorCode.Malformed, `trace bundle file: ${message}`, { field });
}

export function encodeTraceFile(b: TraceBundleBytes): Uint8Array {
  const header = decodeBlockHeader(b.header);
  const proof = encodeInclusionProof({ leafIndex: b.leafIndex, treeSize: header.txCount, path: b.proof });
  const size =
    TRACE_FILE_MAGIC.length +
    1 +
    4 +
    b.envelope.length +
    BLOCK_HEADER_BYTES +
    2 +
    proof.length +
    4 +
    b.certificate.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const put = (bytes: Uint8Array): void => {
    out.set(bytes, at);
    at += bytes.length;
  };
  put(TRACE_FILE_MAGIC);
  out[at++] = TRACE_FILE_VERSION;
  view.setUint32(at, b.envelope.length);
  at += 4;
  put(b.envelope);
  put(b.header);
  view.setUint16(at, proof.length);
  at += 2;
  put(proof);
  view.setUint32(at, b.certificate.length);
  at += 4;
  put(b.certificate);
  return out;
}

/** Parses a saved bundle; ApiError MALFORMED (meta.field) for anything but exactly one bundle. */
export function decodeTraceFile(bytes: Uint8Array): TraceBundleBytes {
  if (bytes.length > MAX_TRACE_FILE_BYTES)
    throw malformed(`larger than ${MAX_TRACE_FILE_BYTES} bytes`, 'size');
  const r = new ProofFileReader(bytes, 'trace bundle file');
  const magic = r.take(TRACE_FILE_MAGIC.length, 'magic');
  if (!magic.every((x, i) => x === TRACE_FILE_MAGIC[i])) throw malformed('not a trace bundle file', 'magic');
  const version = r.take(1, 'version')[0]!;
  if (version !== TRACE_FILE_VERSION) throw malformed(`unknown version ${version}`, 'version');
  const envelope = r.take(r.length(4, 1, MAX_ENVELOPE_BYTES, 'envelope'), 'envelope');
  const headerBytes = r.take(BLOCK_HEADER_BYTES, 'header');
  const proofBytes = r.take(r.length(2, 1, MAX_PROOF_BYTES, 'proof'), 'proof');
  const certificate = r.take(r.length(4, 1, MAX_CERTIFICATE_BYTES, 'certificate'), 'certificate');
  r.end();
  let header: ReturnType<typeof decodeBlockHeader>;
  let proof: ReturnType<typeof decodeInclusionProof>;
  try {
    header = decodeBlockHeader(headerBytes);
  } catch (err) {
    throw malformed(`header: ${(err as Error).message}`, 'header');
  }
  try {
    proof = decodeInclusionProof(proofBytes);
  } catch (err) {
    throw malformed(`proof: ${(err as Error).message}`, 'proof');
  }
  if (proof.treeSize !== header.txCount)
    throw malformed(
      `proof tree size ${proof.treeSize} is not the header's tx count ${header.txCount}`,
      'proof',
    );
  return {
    envelope,
    header: headerBytes,
    leafIndex: proof.leafIndex,
    proof: proof.path,
    certificate,
    height: header.height,
  };
}
