// The cross-chain trace bundle (docs/cross-chain.md §5, "Cross-chain trace bundle"): the evidence
// that a fact of chain A is recorded on chain B, checkable offline with both chains' genesis files.
// It holds B's trace bundle of the recordRemoteFact call (whose body carries A's header and
// inclusion proofs) and two of B's proven state reads: the fact record and the consensus state of
// A that B's light client stored at the call's anchor height. Every length is checked against its
// cap before anything is read; nothing may follow the last part.
import { BLOCK_HEADER_BYTES, MAX_CERTIFICATE_BYTES, MAX_STATE_PROOF_BYTES } from '../codec/caps.js';
import { concatBytes } from '../crypto/bytes.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { ProofFileReader } from './file-reader.js';
import { decodeTraceFile, encodeTraceFile, MAX_TRACE_FILE_BYTES } from './trace-file.js';
import type { StateProofBytes, TraceBundleBytes } from './types.js';

/** "BKDMS/v1/xchain-trace\0" in ASCII: the file's first 22 bytes. */
export const XCHAIN_TRACE_MAGIC = new TextEncoder().encode('BKDMS/v1/xchain-trace\0');
export const XCHAIN_TRACE_VERSION = 1;

/** A proven read of one key: B's certified header, its certificate and the key's bucket proof. */
export interface ProvenKey {
  header: Uint8Array;
  certificate: Uint8Array;
  bucket: Uint8Array;
}

export interface XchainTraceBundle {
  /** B's light client of A the fact was recorded against. */
  clientId: number;
  /** B's trace of its recordRemoteFact envelope. */
  call: TraceBundleBytes;
  /** `xchain/fact/<client>/<A's tracing code>` on B. */
  fact: ProvenKey;
  /** `xchain/cons/<client>/<anchor height>` on B. */
  consensus: ProvenKey;
}

const PROVEN_KEY_MAX = BLOCK_HEADER_BYTES + 4 + MAX_CERTIFICATE_BYTES + 4 + MAX_STATE_PROOF_BYTES;
export const MAX_XCHAIN_TRACE_FILE_BYTES =
  XCHAIN_TRACE_MAGIC.length + 1 + 2 + 4 + MAX_TRACE_FILE_BYTES + 2 * PROVEN_KEY_MAX;

function malformed(message: string, field: string): ApiError {
  return new ApiError(ApiErrorCode.Malformed, `cross-chain trace file: ${message}`, { field });
}

/** A proven answer for one key as a ProvenKey; MALFORMED unless it holds exactly one bucket. */
export function provenKeyOf(p: StateProofBytes | null | undefined, key: string): ProvenKey {
  if (p === null || p === undefined || p.buckets.length !== 1)
    throw malformed(`the answer for ${key} carries no single-bucket proof`, 'proof');
  return { header: p.header, certificate: p.certificate, bucket: p.buckets[0]! };
}

export function encodeXchainTraceFile(b: XchainTraceBundle): Uint8Array {
  if (!Number.isInteger(b.clientId) || b.clientId < 0 || b.clientId > 0xffff)
    throw malformed(`client ID ${b.clientId} is not a u16`, 'clientId');
  const call = encodeTraceFile(b.call);
  const parts: Uint8Array[] = [XCHAIN_TRACE_MAGIC, Uint8Array.of(XCHAIN_TRACE_VERSION)];
  const u16 = (n: number) => Uint8Array.of(n >>> 8, n & 0xff);
  const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  parts.push(u16(b.clientId), u32(call.length), call);
  for (const k of [b.fact, b.consensus]) {
    if (k.header.length !== BLOCK_HEADER_BYTES) throw malformed('header is not 223 bytes', 'header');
    parts.push(k.header, u32(k.certificate.length), k.certificate, u32(k.bucket.length), k.bucket);
  }
  return concatBytes(...parts);
}

function provenKey(r: ProofFileReader, name: string): ProvenKey {
  const header = r.take(BLOCK_HEADER_BYTES, `${name}.header`);
  const certificate = r.take(
    r.length(4, 1, MAX_CERTIFICATE_BYTES, `${name}.certificate`),
    `${name}.certificate`,
  );
  const bucket = r.take(r.length(4, 1, MAX_STATE_PROOF_BYTES, `${name}.bucket`), `${name}.bucket`);
  return { header, certificate, bucket };
}

/** Whether `bytes` starts like a cross-chain trace file (for `bkdms verify`, which reads both kinds). */
export function isXchainTraceFile(bytes: Uint8Array): boolean {
  return bytes.length >= XCHAIN_TRACE_MAGIC.length && XCHAIN_TRACE_MAGIC.every((x, i) => bytes[i] === x);
}

/** Parses a saved cross-chain trace; ApiError MALFORMED (meta.field) for anything but one bundle. */
export function decodeXchainTraceFile(bytes: Uint8Array): XchainTraceBundle {
  if (bytes.length > MAX_XCHAIN_TRACE_FILE_BYTES)
    throw malformed(`larger than ${MAX_XCHAIN_TRACE_FILE_BYTES} bytes`, 'size');
  if (!isXchainTraceFile(bytes)) throw malformed('not a cross-chain trace file', 'magic');
  const r = new ProofFileReader(bytes, 'cross-chain trace file');
  r.take(XCHAIN_TRACE_MAGIC.length, 'magic');
  const version = r.take(1, 'version')[0]!;
  if (version !== XCHAIN_TRACE_VERSION) throw malformed(`unknown version ${version}`, 'version');
  const clientId = r.length(2, 0, 0xffff, 'clientId');
  const callBytes = r.take(r.length(4, 1, MAX_TRACE_FILE_BYTES, 'call'), 'call');
  let call: TraceBundleBytes;
  try {
    call = decodeTraceFile(callBytes);
  } catch (err) {
    throw malformed(`call: ${(err as Error).message}`, 'call');
  }
  const fact = provenKey(r, 'fact');
  const consensus = provenKey(r, 'consensus');
  r.end();
  return { clientId, call, fact, consensus };
}
