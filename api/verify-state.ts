// Client-side checks of proven contract state. An answer is accepted only in this order: the
// header decodes, names the caller's chain and the validator set the caller trusts at its height,
// and carries a commit certificate with a quorum of valid signatures over its hash; then each bucket
// proof leads to the header's state root. Only then are the proven entries handed out. Every
// failure is ApiError VERIFICATION_FAILED with meta.check naming the failed check.
import type { BlockHeader, Hash32 } from '../codec/types.js';
import { LedgerError } from '../ledger/errors.js';
import { verifyStateGroup, verifyStateProof } from '../ledger/state-proof.js';
import { isGroupPrefix } from '../ledger/state-root.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { verifyCertifiedHeader as verifyHeader } from './hash-log-verify.js';
import type { StateEntryView, StateProofBytes } from './types.js';
import type { TrustAnchor } from './verify.js';

export interface VerifiedHeader {
  header: BlockHeader;
  blockHash: Hash32;
}

export interface ProvenEntries extends VerifiedHeader {
  /** The proven state is the state after the block at this height (header.height - 1). */
  height: number;
  /** Per key asked, in order: the key's entry (none when proven absent), or every entry of a group. */
  entries: StateEntryView[][];
}

/** The check names of meta.check besides the certificate's and StateProofCheck's. */
export enum StateAnswerCheck {
  NoProof = 'NO_PROOF',
  BucketCount = 'BUCKET_COUNT',
  UndecodableHeader = 'UNDECODABLE_HEADER',
  UndecodableCertificate = 'UNDECODABLE_CERTIFICATE',
  WrongChain = 'WRONG_CHAIN',
  WrongValidatorSet = 'WRONG_VALIDATOR_SET',
}

function refuse(check: string, detail: string): ApiError {
  return new ApiError(ApiErrorCode.VerificationFailed, `state proof: ${check}: ${detail}`, { check });
}

/**
 * Checks a header and its commit certificate against the caller's chain and validator set: the
 * checks of hash-log-verify.ts's verifyCertifiedHeader, refusals renamed as a state answer's.
 */
export function verifyCertifiedHeader(
  headerBytes: Uint8Array,
  certificateBytes: Uint8Array,
  trust: TrustAnchor,
): VerifiedHeader {
  try {
    const { header, blockHash } = verifyHeader(
      { header: headerBytes, certificate: certificateBytes },
      trust.chainId,
      trust.validators,
    );
    return { header, blockHash };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== ApiErrorCode.VerificationFailed) throw err;
    const check = String(err.meta.check);
    const renamed =
      check === 'UNDECODABLE'
        ? err.meta.part === 'certificate'
          ? StateAnswerCheck.UndecodableCertificate
          : StateAnswerCheck.UndecodableHeader
        : check;
    throw refuse(renamed, String(err.meta.detail ?? err.message));
  }
}

/**
 * Verifies a proven answer for `keys` (contract-state keys or group prefixes, one bucket proof
 * each, in that order) and returns the proven entries.
 */
export function verifyStateAnswer(
  proof: StateProofBytes | null | undefined,
  keys: readonly string[],
  trust: TrustAnchor,
): ProvenEntries {
  if (proof === null || proof === undefined)
    throw refuse(StateAnswerCheck.NoProof, 'the answer carries no proof');
  if (proof.buckets.length !== keys.length)
    throw refuse(
      StateAnswerCheck.BucketCount,
      `${proof.buckets.length} bucket proofs for ${keys.length} keys`,
    );
  const { header, blockHash } = verifyCertifiedHeader(proof.header, proof.certificate, trust);
  const entries = keys.map((key, i) => {
    const bucket = proof.buckets[i] as Uint8Array;
    try {
      if (isGroupPrefix(key))
        return verifyStateGroup(header.stateRoot, key, bucket).map(([k, value]) => ({ key: k, value }));
      const value = verifyStateProof(header.stateRoot, key, bucket);
      return value === undefined ? [] : [{ key, value }];
    } catch (err) {
      if (err instanceof LedgerError) throw refuse(String(err.meta.check), err.detail);
      throw err;
    }
  });
  return { header, blockHash, height: header.height - 1, entries };
}
