// What sealing and opening share: the associated data that binds a packet's header to both
// ciphertexts, the nonce of the digest part, and the ephemeral-mode key derivation.
import { SealAlgorithm } from '../codec/types.js';
import { hkdfSha256 } from './aead.js';
import { concatBytes, label } from './bytes.js';
import { SEAL_AAD, SEAL_EPHEMERAL_INFO } from './domains.js';
import { x25519 } from './x25519.js';

const aadTag = label(SEAL_AAD);
const ephemeralInfo = label(SEAL_EPHEMERAL_INFO);

/**
 * AAD of both AES-GCM calls: tag || alg (1) || scpKeyId (16) || keyRef (32 or 16, fixed by alg) ||
 * the caller's AAD (the envelope header from codec). Any change to the header fails the tag.
 */
export function sealAad(alg: SealAlgorithm, scpKeyId: Uint8Array, keyRef: Uint8Array, callerAad: Uint8Array) {
  return concatBytes(aadTag, Uint8Array.of(alg), scpKeyId, keyRef, callerAad);
}

/** The digest part is encrypted under the base nonce with its last bit flipped (never reuses it). */
export function digestNonce(nonce: Uint8Array): Uint8Array {
  const n = Uint8Array.from(nonce);
  n[n.length - 1]! ^= 1;
  return n;
}

/** Expected keyRef length per algorithm. */
export function keyRefLength(alg: SealAlgorithm): number {
  return alg === SealAlgorithm.EphemeralX25519 ? 32 : 16;
}

/**
 * Ephemeral mode key: HKDF-SHA256(ikm = X25519(priv, pub), salt = ephemeralPublic || scpPublic,
 * info = "BKDMS/v1/seal-ephemeral\0"), 32 bytes. Both sides know both public keys.
 */
export function ephemeralKey(
  privateKey: Uint8Array,
  peerPublic: Uint8Array,
  ephemeralPublic: Uint8Array,
  scpPublic: Uint8Array,
): Uint8Array {
  const shared = x25519(privateKey, peerPublic);
  const key = hkdfSha256(shared, concatBytes(ephemeralPublic, scpPublic), ephemeralInfo, 32);
  shared.fill(0);
  return key;
}
