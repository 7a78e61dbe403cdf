// Sealing a KPI record for the smart city platform (Y.4907 Table 10-2). The encoded record and the
// site's signed digest are encrypted with AES-256-GCM under a key only the SCP can rebuild:
// either a per-packet ephemeral X25519 agreement, or a negotiated session key. Both ciphertexts
// share a base nonce (the digest part flips its last bit) and an AAD binding the packet header
// and the caller's envelope header. Formats: docs/wire-format.md §11.
import { SealAlgorithm, type SealedPacket } from '../codec/types.js';
import { aesGcmEncrypt, GCM_NONCE_LENGTH } from './aead.js';
import { concatBytes } from './bytes.js';
import { type SignedDigest, signKpiDigest } from './digest.js';
import type { Ed25519KeyPair } from './ed25519.js';
import { CryptoError, CryptoErrorCode, expectLength } from './errors.js';
import { keyIdOf } from './key-id.js';
import { type RandomSource, systemRandom } from './random.js';
import { digestNonce, ephemeralKey, sealAad } from './seal-frame.js';
import type { SessionKey } from './session-key.js';
import { generateX25519, X25519_KEY_LENGTH } from './x25519.js';

/** Who the packet is sealed for, and how. */
export type SealTarget =
  | { alg: SealAlgorithm.EphemeralX25519; scpPublicKey: Uint8Array }
  /** `now` (UTC ms) guards against sealing with an expired session key. */
  | { alg: SealAlgorithm.SessionKey; session: SessionKey; now: number };

export interface SealInput {
  /** The encoded KpiRecord. */
  record: Uint8Array;
  /** The site's signed digest of `record` (signKpiDigest). */
  signed: SignedDigest;
  /** Associated data from the caller: codec's envelope AAD. Authenticated, not encrypted. */
  aad: Uint8Array;
  target: SealTarget;
  random?: RandomSource;
}

function sealWith(
  key: Uint8Array,
  header: Pick<SealedPacket, 'alg' | 'scpKeyId' | 'keyRef'>,
  input: SealInput,
  random: RandomSource,
): SealedPacket {
  const { digest, signature } = input.signed;
  expectLength('digest', digest, 32);
  expectLength('digest signature', signature, 64);
  const nonce = random(GCM_NONCE_LENGTH);
  const aad = sealAad(header.alg, header.scpKeyId, header.keyRef, input.aad);
  return {
    alg: header.alg,
    scpKeyId: header.scpKeyId,
    keyRef: header.keyRef,
    nonce,
    encryptedRecord: aesGcmEncrypt(key, nonce, aad, input.record),
    encryptedDigest: aesGcmEncrypt(key, digestNonce(nonce), aad, concatBytes(digest, signature)),
  };
}

/** Seals an encoded record whose digest the site has already signed. */
export function sealPacket(input: SealInput): SealedPacket {
  const random = input.random ?? systemRandom;
  const t = input.target;
  if (t.alg === SealAlgorithm.SessionKey) {
    if (t.now >= t.session.expiresAt)
      throw new CryptoError(CryptoErrorCode.SessionExpired, 'session key expired; negotiate a new one', {
        now: t.now,
        expiresAt: t.session.expiresAt,
      });
    const header = { alg: t.alg, scpKeyId: t.session.scpKeyId, keyRef: t.session.id };
    return sealWith(t.session.key, header, input, random);
  }
  expectLength('SCP X25519 public key', t.scpPublicKey, X25519_KEY_LENGTH);
  const eph = generateX25519(random);
  const key = ephemeralKey(eph.privateKey, t.scpPublicKey, eph.publicKey, t.scpPublicKey);
  eph.privateKey.fill(0);
  const header = { alg: t.alg, scpKeyId: keyIdOf(t.scpPublicKey), keyRef: eph.publicKey };
  const packet = sealWith(key, header, input, random);
  key.fill(0);
  return packet;
}

/** Signs the record's digest with the site key and seals both: the whole site-side step. */
export function sealKpiRecord(
  site: Ed25519KeyPair,
  record: Uint8Array,
  aad: Uint8Array,
  target: SealTarget,
  random?: RandomSource,
): SealedPacket {
  return sealPacket({ record, signed: signKpiDigest(site, record), aad, target, random });
}
