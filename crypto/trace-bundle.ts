// A trace bundle proves offline that an envelope was committed on a chain: the envelope, its
// block's header, its Merkle audit path to header.txRoot, and the block's commit certificate.
// verifyTraceBundle needs nothing but the bundle and the validator set: no node is trusted.
import { decodeBlockHeader } from '../codec/block.js';
import { decodeCommitCertificate } from '../codec/certificate.js';
import { envelopeChainId } from '../codec/envelope-view.js';
import { blockHeaderHashInput } from '../codec/signing.js';
import type { BlockHeader, Hash32 } from '../codec/types.js';
import { bytesEqual } from './bytes.js';
import { type CertificateFailure, validatorSetHash, verifyCertificate } from './certificate.js';
import { sha256, tracingCode } from './hash.js';
import { verifyInclusion } from './merkle-verify.js';

export interface TraceBundle {
  /** Encoded envelope. */
  envelope: Uint8Array;
  /** Encoded block header (223 bytes). */
  blockHeader: Uint8Array;
  /** Leaf index of the envelope in its block. */
  index: number;
  /** Merkle audit path (RFC 9162 order), 32-byte hashes. */
  proof: Uint8Array[];
  /** Encoded CommitCertificate of the block. */
  certificate: Uint8Array;
}

export enum TraceFailure {
  /** The envelope bytes are not an envelope (or of another chain than the header's). */
  BadEnvelope = 'BAD_ENVELOPE',
  BadHeader = 'BAD_HEADER',
  /** The audit path does not lead from the tracing code to header.txRoot. */
  NotIncluded = 'NOT_INCLUDED',
  /** The validator set given is not the one the header names. */
  WrongValidatorSet = 'WRONG_VALIDATOR_SET',
  BadCertificate = 'BAD_CERTIFICATE',
}

export type TraceCheck =
  | { ok: true; tracingCode: Hash32; header: BlockHeader; blockHash: Hash32 }
  | { ok: false; reason: TraceFailure; certificate?: CertificateFailure };

function fail(reason: TraceFailure, certificate?: CertificateFailure): TraceCheck {
  return certificate === undefined ? { ok: false, reason } : { ok: false, reason, certificate };
}

/** Header decode that reports failure instead of throwing (bad input is a result here, not an error). */
function tryDecode<T>(decode: (b: Uint8Array) => T, b: Uint8Array): T | undefined {
  try {
    return decode(b);
  } catch {
    return undefined;
  }
}

/**
 * Verifies a trace bundle against `validators` (Ed25519 public keys in set order): the tracing
 * code recomputed from the envelope is leaf `index` of header.txRoot over header.txCount leaves;
 * the block hash is the header's hash; the certificate has 2f+1 valid commit signatures for that
 * hash and height under the validator set whose hash is header.validatorSetHash.
 */
export function verifyTraceBundle(b: TraceBundle, validators: readonly Uint8Array[]): TraceCheck {
  const header = tryDecode(decodeBlockHeader, b.blockHeader);
  if (header === undefined) return fail(TraceFailure.BadHeader);
  const chainId = tryDecode(envelopeChainId, b.envelope);
  if (chainId === undefined || !bytesEqual(chainId, header.chainId)) return fail(TraceFailure.BadEnvelope);
  const tc = tracingCode(b.envelope);
  const proof = { leafIndex: b.index, treeSize: header.txCount, path: b.proof };
  if (!verifyInclusion(tc, proof, header.txRoot)) return fail(TraceFailure.NotIncluded);
  if (!bytesEqual(validatorSetHash(validators), header.validatorSetHash))
    return fail(TraceFailure.WrongValidatorSet);
  const cert = tryDecode(decodeCommitCertificate, b.certificate);
  if (cert === undefined) return fail(TraceFailure.BadCertificate);
  const blockHash = sha256(blockHeaderHashInput(b.blockHeader));
  const check = verifyCertificate(
    cert,
    { hash: blockHash, height: header.height },
    header.chainId,
    validators,
  );
  if (!check.ok) return fail(TraceFailure.BadCertificate, check.reason);
  return { ok: true, tracingCode: tc, header, blockHash };
}
