// Client-side checks of what GetHeaders, GetConsistencyProof and GetBlockHashProof answer: a
// certified header is accepted only with a quorum certificate of the validator set in force, and a
// proof only when it leads to the block-hash log roots of headers the caller already holds as
// certified. Sizes are taken from those headers (a header at height h carries the log of h
// leaves), never from the proof's sender. Failures are ApiError VERIFICATION_FAILED.
import { decodeBlockHeader } from '../codec/block.js';
import { decodeCommitCertificate } from '../codec/certificate.js';
import { blockHeaderHashInput } from '../codec/signing.js';
import type { BlockHeader, CommitCertificate, Hash32 } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { validatorSetHash, verifyCertificate } from '../crypto/certificate.js';
import { sha256 } from '../crypto/hash.js';
import type { ConsistencyProof, InclusionProof } from '../crypto/merkle.js';
import { decodeConsistencyProof, decodeInclusionProof } from '../crypto/merkle-proof-codec.js';
import { verifyConsistency, verifyInclusion } from '../crypto/merkle-verify.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { CertifiedHeaderBytes } from './types.js';
import { type ValidatorSource, validatorsAt } from './verify.js';

export interface VerifiedHeader {
  header: BlockHeader;
  certificate: CommitCertificate;
  blockHash: Hash32;
}

/** The root and size of a block-hash log as a certified header states it. */
export type LogHead = Pick<BlockHeader, 'height' | 'hashLogRoot'>;

export function refuse(what: string, check: string, meta: Record<string, string | number> = {}): ApiError {
  return new ApiError(ApiErrorCode.VerificationFailed, `${what}: ${check}`, { check, ...meta });
}

const detail = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A header and its certificate as received; `height` is the height asked for, when one was. */
export type CertifiedHeaderInput = Pick<CertifiedHeaderBytes, 'header' | 'certificate'> & { height?: number };

/**
 * Decodes a header and its certificate; UNDECODABLE when either does not decode (meta.part says
 * which). The block hash is taken over the header bytes as received.
 */
export function decodeCertifiedHeader(h: CertifiedHeaderInput): VerifiedHeader {
  const at: Record<string, number> = h.height === undefined ? {} : { height: h.height };
  let header: BlockHeader;
  let certificate: CommitCertificate;
  try {
    header = decodeBlockHeader(h.header);
  } catch (err) {
    throw refuse('header', 'UNDECODABLE', { ...at, part: 'header', detail: detail(err) });
  }
  try {
    certificate = decodeCommitCertificate(h.certificate);
  } catch (err) {
    throw refuse('header', 'UNDECODABLE', { ...at, part: 'certificate', detail: detail(err) });
  }
  return { header, certificate, blockHash: sha256(blockHeaderHashInput(h.header)) };
}

/**
 * One certified header on its own: the height asked for (when one was), the chain, the validator
 * set in force at that height and a quorum certificate of it over the header's hash. The one
 * check of a certified header on the client side: proven state (verify-state.ts) and header
 * chains (header-chain.ts) both use it.
 */
export function verifyCertifiedHeader(
  h: CertifiedHeaderInput,
  chainId: Hash32,
  validators: ValidatorSource,
): VerifiedHeader {
  const v = decodeCertifiedHeader(h);
  const { header } = v;
  const at = { height: header.height };
  if (h.height !== undefined && header.height !== h.height)
    throw refuse('header', 'WRONG_HEIGHT', { height: h.height });
  if (!bytesEqual(header.chainId, chainId)) throw refuse('header', 'WRONG_CHAIN', at);
  const set = validatorsAt(validators, header.height);
  if (!bytesEqual(validatorSetHash(set), header.validatorSetHash))
    throw refuse('header', 'WRONG_VALIDATOR_SET', at);
  const check = verifyCertificate(v.certificate, { hash: v.blockHash, height: header.height }, chainId, set);
  if (!check.ok) throw refuse('header', check.reason, at);
  return v;
}

/** An encoded consistency proof between the logs of two certified headers, checked against both roots. */
export function verifyConsistencyAnswer(
  proof: Uint8Array,
  first: LogHead,
  second: LogHead,
): ConsistencyProof {
  let p: ConsistencyProof;
  try {
    p = decodeConsistencyProof(proof);
  } catch (err) {
    throw refuse('consistency proof', 'UNDECODABLE', { detail: detail(err) });
  }
  const sizes = { first: first.height, second: second.height };
  if (p.firstSize !== first.height || p.secondSize !== second.height)
    throw refuse('consistency proof', 'WRONG_SIZES', sizes);
  if (!verifyConsistency(p, first.hashLogRoot, second.hashLogRoot))
    throw refuse('consistency proof', 'INCONSISTENT', sizes);
  return p;
}

/** An encoded inclusion proof of block `height`'s hash in the log of a certified header `at`. */
export function verifyBlockHashAnswer(
  proof: Uint8Array,
  height: number,
  blockHash: Uint8Array,
  at: LogHead,
): InclusionProof {
  let p: InclusionProof;
  try {
    p = decodeInclusionProof(proof);
  } catch (err) {
    throw refuse('block hash proof', 'UNDECODABLE', { detail: detail(err) });
  }
  const where = { height, at: at.height };
  if (p.leafIndex !== height || p.treeSize !== at.height)
    throw refuse('block hash proof', 'WRONG_SIZES', where);
  if (!verifyInclusion(blockHash, p, at.hashLogRoot)) throw refuse('block hash proof', 'NOT_INCLUDED', where);
  return p;
}
