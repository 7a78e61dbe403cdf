// Commit certificates: the 2f+1 COMMIT signatures that make a block final. verifyCertificate is
// pure and offline: the platform and any third party check a block with it against the validator
// set alone, trusting no single node.
import { commitSigningBytes, domainTag } from '../codec/signing.js';
import type { CommitCertificate, Hash32 } from '../codec/types.js';
import { bytesEqual } from './bytes.js';
import { verify } from './ed25519.js';
import { sha256Parts } from './hash.js';

const VALIDATOR_SET_DOMAIN = domainTag('validator-set');

/**
 * Hash of an ordered validator set: SHA-256("BKDMS/v1/validator-set\0" || count u32 || keys...).
 * Order matters: a commit signature names its validator by index in this list.
 */
export function validatorSetHash(publicKeys: readonly Uint8Array[]): Hash32 {
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, publicKeys.length);
  return sha256Parts([VALIDATOR_SET_DOMAIN, count, ...publicKeys]);
}

/** Byzantine faults tolerated by n validators: f = floor((n - 1) / 3). */
export function faultsTolerated(n: number): number {
  return Math.floor((n - 1) / 3);
}

/**
 * Signatures a certificate needs: floor(2n/3) + 1, the consensus core's quorum. It equals 2f + 1
 * when n = 3f + 1 and stays safe for other n (two quorums always share an honest validator).
 */
export function commitQuorum(n: number): number {
  return Math.floor((2 * n) / 3) + 1;
}

export enum CertificateFailure {
  /** The certificate names another block (hash or height). */
  WrongBlock = 'WRONG_BLOCK',
  /** Validator indexes not strictly ascending (a repeat would count one signer twice). */
  NotAscending = 'NOT_ASCENDING',
  /** A validator index outside the set. */
  UnknownValidator = 'UNKNOWN_VALIDATOR',
  /** A signature that does not verify under its validator's key. */
  BadSignature = 'BAD_SIGNATURE',
  /** Fewer than 2f + 1 distinct valid signatures. */
  NoQuorum = 'NO_QUORUM',
  /** Empty validator set. */
  NoValidators = 'NO_VALIDATORS',
}

export type CertificateCheck = { ok: true } | { ok: false; reason: CertificateFailure; validator?: number };

/**
 * Checks that `cert` certifies the block (hash, height) of chain `chainId` under `validators`
 * (Ed25519 public keys in set order): 2f+1 distinct validators, each signature valid over
 * commitSigningBytes(chainId, cert.view, height, blockHash). Every signature present must verify:
 * a certificate carrying a forged extra signature is rejected, not silently trimmed.
 */
export function verifyCertificate(
  cert: CommitCertificate,
  block: { hash: Hash32; height: number },
  chainId: Hash32,
  validators: readonly Uint8Array[],
): CertificateCheck {
  if (validators.length === 0) return { ok: false, reason: CertificateFailure.NoValidators };
  if (cert.height !== block.height || !bytesEqual(cert.blockHash, block.hash))
    return { ok: false, reason: CertificateFailure.WrongBlock };
  let prev = -1;
  for (const s of cert.signatures) {
    if (s.validator <= prev)
      return { ok: false, reason: CertificateFailure.NotAscending, validator: s.validator };
    if (s.validator >= validators.length)
      return { ok: false, reason: CertificateFailure.UnknownValidator, validator: s.validator };
    prev = s.validator;
  }
  if (cert.signatures.length < commitQuorum(validators.length))
    return { ok: false, reason: CertificateFailure.NoQuorum };
  const message = commitSigningBytes(chainId, cert.view, block.height, block.hash);
  for (const s of cert.signatures) {
    if (!verify(validators[s.validator] as Uint8Array, message, s.signature))
      return { ok: false, reason: CertificateFailure.BadSignature, validator: s.validator };
  }
  return { ok: true };
}
