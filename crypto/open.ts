// Opening a sealed packet on the SCP side. Every check that can fail has its own result, so the
// platform can record *why* a packet was rejected: unknown key, decryption (any altered byte of
// ciphertext, nonce, header or AAD), digest mismatch, or a digest not signed by the site.

import { kpiDigestSigningBytes } from '../codec/signing.js';
import { type Hash32, SealAlgorithm, type SealedPacket, type Signature } from '../codec/types.js';
import { aesGcmDecrypt, GCM_NONCE_LENGTH } from './aead.js';
import { bytesEqual } from './bytes.js';
import { kpiDigest, verifyKpiDigest } from './digest.js';
import { keyIdOf } from './key-id.js';
import { digestNonce, ephemeralKey, keyRefLength, sealAad } from './seal-frame.js';
import type { SessionKey } from './session-key.js';
import type { VerifyItem } from './verify-job.js';
import type { X25519KeyPair } from './x25519.js';

export enum OpenFailure {
  /** Lengths or algorithm that no sealer produces. */
  Malformed = 'MALFORMED',
  /** No SCP key with this key ID, or no session with this session ID (for this SCP key). */
  UnknownKey = 'UNKNOWN_KEY',
  /** AES-GCM tag check failed on the record or the digest part. */
  DecryptFailed = 'DECRYPT_FAILED',
  /** The decrypted digest is not the digest of the decrypted record. */
  DigestMismatch = 'DIGEST_MISMATCH',
  /** The digest signature does not verify under the site's public key. */
  BadSignature = 'BAD_SIGNATURE',
}

export type OpenResult =
  | { ok: true; record: Uint8Array; digest: Hash32; signature: Signature }
  | { ok: false; failure: OpenFailure };

/** Where opening finds the SCP's keys. */
export interface OpenKeys {
  /** The SCP X25519 key pair with this key ID, if the SCP holds it. */
  scpKey(scpKeyId: Uint8Array): X25519KeyPair | undefined;
  /** The accepted session with this session key ID, if any. */
  session(sessionId: Uint8Array): SessionKey | undefined;
}

function fail(failure: OpenFailure): OpenResult {
  return { ok: false, failure };
}

function packetKey(p: SealedPacket, keys: OpenKeys): Uint8Array | undefined {
  if (p.alg === SealAlgorithm.SessionKey) {
    const s = keys.session(p.keyRef);
    return s && bytesEqual(s.scpKeyId, p.scpKeyId) ? s.key : undefined;
  }
  const scp = keys.scpKey(p.scpKeyId);
  if (!scp || !bytesEqual(keyIdOf(scp.publicKey), p.scpKeyId)) return undefined;
  // A low-order ephemeral key makes X25519 throw; for the caller that is a packet that does not open.
  try {
    return ephemeralKey(scp.privateKey, p.keyRef, p.keyRef, scp.publicKey);
  } catch {
    return new Uint8Array(32);
  }
}

/** Decrypts and checks a packet sealed for this SCP by the site whose Ed25519 key is given. */
export function openPacket(
  packet: SealedPacket,
  aad: Uint8Array,
  sitePublicKey: Uint8Array,
  keys: OpenKeys,
): OpenResult {
  const opened = decryptPacket(packet, aad, keys);
  if (!opened.ok) return opened;
  if (!verifyKpiDigest(sitePublicKey, opened.digest, opened.signature)) return fail(OpenFailure.BadSignature);
  return opened;
}

/**
 * Everything `openPacket` checks except the site's signature over the digest: for a caller that
 * verifies the signatures of many packets at once (e.g. on a worker pool, with
 * `digestSignatureItem`) and only trusts the record once its signature has verified.
 */
export function decryptPacket(packet: SealedPacket, aad: Uint8Array, keys: OpenKeys): OpenResult {
  const { alg, scpKeyId, keyRef, nonce } = packet;
  if (alg !== SealAlgorithm.EphemeralX25519 && alg !== SealAlgorithm.SessionKey)
    return fail(OpenFailure.Malformed);
  if (scpKeyId.length !== 16 || keyRef.length !== keyRefLength(alg) || nonce.length !== GCM_NONCE_LENGTH)
    return fail(OpenFailure.Malformed);
  const key = packetKey(packet, keys);
  if (!key) return fail(OpenFailure.UnknownKey);
  const fullAad = sealAad(alg, scpKeyId, keyRef, aad);
  const record = aesGcmDecrypt(key, nonce, fullAad, packet.encryptedRecord);
  const signed = record && aesGcmDecrypt(key, digestNonce(nonce), fullAad, packet.encryptedDigest);
  if (alg === SealAlgorithm.EphemeralX25519) key.fill(0);
  if (!record || !signed) return fail(OpenFailure.DecryptFailed);
  if (signed.length !== 96) return fail(OpenFailure.Malformed);
  const digest = signed.slice(0, 32);
  const signature = signed.slice(32, 96);
  if (!bytesEqual(digest, kpiDigest(record))) return fail(OpenFailure.DigestMismatch);
  return { ok: true, record, digest, signature };
}

/** The signature check `openPacket` makes, as an item for a batch verifier (crypto/verify-pool.ts). */
export function digestSignatureItem(
  sitePublicKey: Uint8Array,
  digest: Hash32,
  signature: Signature,
): VerifyItem {
  return { publicKey: sitePublicKey, message: kpiDigestSigningBytes(digest), signature };
}
