// The cross-chain trace bundle (docs/cross-chain.md §5, "Cross-chain trace bundle"): the evidence
// that a fact of chain A is recorded on chain B, checkable offline with both chains' genesis files.
// It holds B's trace bundle of the recordRemoteFact call (whose body carries A's header and
// inclusion proofs) and two of B's proven state reads: the fact record and the consensus state of
// A that B's light client stored at the call's anchor height. Every length is checked against its
// cap before anything is read; nothing may follow the last part.
import { BLOCK_HEADER_BYTES, MAX_CERTIFICATE_BYTES, MAX_STATE_PROOF_BYTES } from '../codec/caps.js';
import { ApiError, ApiErrorCode } from './errors.js';
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
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class Cursor {
  private at = 0;
  constructor(private readonly b: Uint8Array) {}
  take(n: number, field: string): Uint8Array {
    if (this.b.length - this.at < n) throw malformed(`truncated in ${field}`, field);
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  u16(field: string): number {
    const r = this.take(2, field);
    return (r[0]! << 8) | r[1]!;
  }
  length(max: number, field: string): number {
    const r = this.take(4, field);
    const n = ((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0;
    if (n < 1 || n > max) throw malformed(`${field} length ${n} outside 1..${max}`, field);
    return n;
  }
  provenKey(name: string): ProvenKey {
    const header = this.take(BLOCK_HEADER_BYTES, `${name}.header`);
    const certificate = this.take(
      this.length(MAX_CERTIFICATE_BYTES, `${name}.certificate`),
      `${name}.certificate`,
    );
    const bucket = this.take(this.length(MAX_STATE_PROOF_BYTES, `${name}.bucket`), `${name}.bucket`);
    return { header, certificate, bucket };
  }
  end(): void {
    if (this.at !== this.b.length) throw malformed('trailing bytes', 'end');
  }
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
  const r = new Cursor(bytes);
  r.take(XCHAIN_TRACE_MAGIC.length, 'magic');
  const version = r.take(1, 'version')[0]!;
  if (version !== XCHAIN_TRACE_VERSION) throw malformed(`unknown version ${version}`, 'version');
  const clientId = r.u16('clientId');
  const callBytes = r.take(r.length(MAX_TRACE_FILE_BYTES, 'call'), 'call');
  let call: TraceBundleBytes;
  try {
    call = decodeTraceFile(callBytes);
  } catch (err) {
    throw malformed(`call: ${(err as Error).message}`, 'call');
  }
  const fact = r.provenKey('fact');
  const consensus = r.provenKey('consensus');
  r.end();
  return { clientId, call, fact, consensus };
}
