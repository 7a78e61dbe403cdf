// Client-side checks of proven contract state. An answer is accepted only in this order: the
// header decodes, names the caller's chain and the validator set the caller trusts at its height,
// and carries a commit certificate with a quorum of valid signatures over its hash; then each bucket
// proof leads to the header's state root. Only then are the proven entries handed out. Every
// failure is ApiError VERIFICATION_FAILED with meta.check naming the failed check.
import { decodeBlockHeader, encodeBlockHeader } from '../codec/block.js';
import { decodeCommitCertificate } from '../codec/certificate.js';
import { blockHeaderHashInput } from '../codec/signing.js';
import type { BlockHeader, CommitCertificate, Hash32 } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { validatorSetHash, verifyCertificate } from '../crypto/certificate.js';
import { sha256 } from '../crypto/hash.js';
import { LedgerError } from '../ledger/errors.js';
import { verifyStateGroup, verifyStateProof } from '../ledger/state-proof.js';
import { isGroupPrefix } from '../ledger/state-root.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { StateEntryView, StateProofBytes } from './types.js';
import { type ValidatorSource, validatorsAt } from './verify.js';

/** What the caller trusts: its chain (genesis chain ID) and the validator set by height. */
export interface StateTrust {
  chainId: Hash32;
  validators: ValidatorSource;
}

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

function decodeOr<T>(check: StateAnswerCheck, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw refuse(check, err instanceof Error ? err.message : String(err));
  }
}

/** Checks a header and its commit certificate against the caller's chain and validator set. */
export function verifyCertifiedHeader(
  headerBytes: Uint8Array,
  certificateBytes: Uint8Array,
  trust: StateTrust,
): VerifiedHeader {
  const header = decodeOr(StateAnswerCheck.UndecodableHeader, () => decodeBlockHeader(headerBytes));
  const cert: CommitCertificate = decodeOr(StateAnswerCheck.UndecodableCertificate, () =>
    decodeCommitCertificate(certificateBytes),
  );
  if (!bytesEqual(header.chainId, trust.chainId))
    throw refuse(StateAnswerCheck.WrongChain, 'header of another chain');
  const set = validatorsAt(trust.validators, header.height);
  if (!bytesEqual(validatorSetHash(set), header.validatorSetHash))
    throw refuse(StateAnswerCheck.WrongValidatorSet, `header ${header.height} names another validator set`);
  const blockHash = sha256(blockHeaderHashInput(encodeBlockHeader(header)));
  const check = verifyCertificate(cert, { hash: blockHash, height: header.height }, header.chainId, set);
  if (!check.ok) throw refuse(check.reason, `certificate of header ${header.height}`);
  return { header, blockHash };
}

/**
 * Verifies a proven answer for `keys` (contract-state keys or group prefixes, one bucket proof
 * each, in that order) and returns the proven entries.
 */
export function verifyStateAnswer(
  proof: StateProofBytes | null | undefined,
  keys: readonly string[],
  trust: StateTrust,
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
