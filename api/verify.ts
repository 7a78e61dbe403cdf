// Client-side checks that make a single node's answers trustworthy: a trace bundle or a certified
// block is accepted only when it verifies against the trust anchor the caller already holds (the
// chain ID and validator set of its genesis, and governance), never because a node said so. The
// checks are the pure verifiers of crypto/; this module turns their verdicts into ApiError
// VERIFICATION_FAILED with meta.check naming the check that failed.

import { decodeBlockHeader, encodeBlockHeader } from '../codec/block.js';
import { decodeCertifiedBlock } from '../codec/certificate.js';
import { blockHeaderHashInput } from '../codec/signing.js';
import type { BlockHeader, CertifiedBlock, Hash32 } from '../codec/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { validatorSetHash, verifyCertificate } from '../crypto/certificate.js';
import { sha256, tracingCode } from '../crypto/hash.js';
import { merkleRoot } from '../crypto/merkle.js';
import { verifyTraceBundle } from '../crypto/trace-bundle.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { TraceBundleBytes } from './types.js';

/** The validator set, fixed or by height (sets change by governance at an activation height). */
export type ValidatorSource = readonly Uint8Array[] | ((height: number) => readonly Uint8Array[]);

export function validatorsAt(src: ValidatorSource, height: number): readonly Uint8Array[] {
  return typeof src === 'function' ? src(height) : src;
}

/**
 * What a verifier trusts before it asks any node: the chain ID (from its own genesis file) and the
 * validator set by height. Both come from the caller, never from the node being checked: the
 * chain ID because a genuine bundle of another chain run by the same validator keys would
 * otherwise pass.
 */
export interface TrustAnchor {
  chainId: Hash32;
  validators: ValidatorSource;
}

function refuse(what: string, reason: string, meta: Record<string, string | number> = {}): ApiError {
  return new ApiError(ApiErrorCode.VerificationFailed, `${what}: ${reason}`, { check: reason, ...meta });
}

/** The header's chain ID, or undefined when the header does not decode (crypto/ reports BAD_HEADER). */
function tryHeaderChainId(header: Uint8Array): Hash32 | undefined {
  try {
    return decodeBlockHeader(header).chainId;
  } catch {
    return undefined;
  }
}

export interface VerifiedTrace {
  tracingCode: Hash32;
  envelope: Uint8Array;
  header: BlockHeader;
  blockHash: Hash32;
}

/**
 * Checks that `bundle` proves the envelope with tracing code `expected` committed: its Merkle path
 * leads to the header's txRoot and the header carries a valid commit certificate of `validators`.
 */
export function verifyTrace(bundle: TraceBundleBytes, expected: Hash32, trust: TrustAnchor): VerifiedTrace {
  const headerChain = tryHeaderChainId(bundle.header);
  if (headerChain !== undefined && !bytesEqual(headerChain, trust.chainId))
    throw refuse('trace', 'WRONG_CHAIN', { chainId: toHex(headerChain) });
  const check = verifyTraceBundle(
    {
      envelope: bundle.envelope,
      blockHeader: bundle.header,
      index: bundle.leafIndex,
      proof: bundle.proof,
      certificate: bundle.certificate,
    },
    validatorsAt(trust.validators, bundle.height),
  );
  if (!check.ok)
    throw refuse('trace', check.reason, check.certificate ? { certificate: check.certificate } : {});
  if (!bytesEqual(check.tracingCode, expected)) throw refuse('trace', 'OTHER_ENVELOPE');
  if (check.header.height !== bundle.height) throw refuse('trace', 'WRONG_HEIGHT');
  return {
    tracingCode: check.tracingCode,
    envelope: bundle.envelope,
    header: check.header,
    blockHash: check.blockHash,
  };
}

export interface VerifiedBlock {
  certified: CertifiedBlock;
  blockHash: Hash32;
}

/**
 * Decodes a certified block and checks it: the height asked for, the validator set the header
 * names, a body whose tracing codes hash to the header's txRoot (so no envelope was swapped under a
 * genuine header), and a certificate with a quorum of valid signatures over the header's hash.
 */
export function verifyCertifiedBlock(bytes: Uint8Array, height: number, trust: TrustAnchor): VerifiedBlock {
  let certified: CertifiedBlock;
  try {
    certified = decodeCertifiedBlock(bytes);
  } catch (err) {
    throw refuse('block', 'UNDECODABLE', { detail: err instanceof Error ? err.message : String(err) });
  }
  const { header, envelopes } = certified.block;
  if (header.height !== height) throw refuse('block', 'WRONG_HEIGHT', { height: header.height });
  if (!bytesEqual(header.chainId, trust.chainId))
    throw refuse('block', 'WRONG_CHAIN', { chainId: toHex(header.chainId) });
  const set = validatorsAt(trust.validators, height);
  if (!bytesEqual(validatorSetHash(set), header.validatorSetHash))
    throw refuse('block', 'WRONG_VALIDATOR_SET');
  if (
    header.txCount !== envelopes.length ||
    !bytesEqual(merkleRoot(envelopes.map(tracingCode)), header.txRoot)
  )
    throw refuse('block', 'BODY_MISMATCH');
  const blockHash = sha256(blockHeaderHashInput(encodeBlockHeader(header)));
  const check = verifyCertificate(certified.certificate, { hash: blockHash, height }, header.chainId, set);
  if (!check.ok) throw refuse('block', check.reason);
  return { certified, blockHash };
}
