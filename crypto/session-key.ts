// Negotiated session keys (Y.4907 7.2.2/7.2.3 "negotiate encryption information"). The site picks
// a salt and a validity window and sends them with its static X25519 public key (the offer); site
// and SCP each run X25519 with their own private key and the other's public key, then HKDF over
// the offer, so both hold the same AES-256 key and 16-byte session key ID without the key ever
// travelling. Sealing with the session then costs two AES-GCM calls and no scalar multiplication.
import type { KeyId } from '../codec/types.js';
import { hkdfSha256 } from './aead.js';
import { bytesEqual, concatBytes, label, u64be } from './bytes.js';
import { SESSION_KEY_INFO } from './domains.js';
import { CryptoError, CryptoErrorCode, expectLength } from './errors.js';
import { keyIdOf } from './key-id.js';
import { type RandomSource, systemRandom } from './random.js';
import { type X25519KeyPair, x25519 } from './x25519.js';

export const SESSION_SALT_LENGTH = 32;
/** Longest validity window accepted from an offer: a day bounds how much traffic one key protects. */
export const MAX_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/** What the site sends to the SCP to open a session. Public: it holds no secret. */
export interface SessionOffer {
  /** The site's static X25519 public key. */
  sitePublicKey: Uint8Array;
  /** Key ID of the SCP X25519 key the session is agreed with. */
  scpKeyId: KeyId;
  /** Random bytes from the site: a fresh key for every session between the same two keys. */
  salt: Uint8Array;
  /** UTC ms. */
  createdAt: number;
  /** UTC ms, after createdAt and at most MAX_SESSION_TTL_MS later. */
  expiresAt: number;
}

export interface SessionKey {
  /** 16-byte session key ID, carried as keyRef of a SealAlgorithm.SessionKey packet. */
  id: KeyId;
  /** AES-256-GCM key. Secret. */
  key: Uint8Array;
  scpKeyId: KeyId;
  createdAt: number;
  expiresAt: number;
}

function checkOffer(offer: SessionOffer): void {
  expectLength('session salt', offer.salt, SESSION_SALT_LENGTH);
  const { createdAt, expiresAt } = offer;
  if (!Number.isSafeInteger(createdAt) || !Number.isSafeInteger(expiresAt) || createdAt < 0)
    throw new CryptoError(CryptoErrorCode.InvalidInput, 'session times must be non-negative integers (ms)');
  if (expiresAt <= createdAt || expiresAt - createdAt > MAX_SESSION_TTL_MS)
    throw new CryptoError(CryptoErrorCode.InvalidInput, 'session window must be within (0, 24 h]', {
      createdAt,
      expiresAt,
    });
}

/** HKDF over the X25519 secret; info binds both public keys and the window, salt is the offer's. */
function derive(offer: SessionOffer, shared: Uint8Array, scpPublicKey: Uint8Array): SessionKey {
  const info = concatBytes(
    label(SESSION_KEY_INFO),
    offer.sitePublicKey,
    scpPublicKey,
    u64be(offer.createdAt),
    u64be(offer.expiresAt),
  );
  const okm = hkdfSha256(shared, offer.salt, info, 48);
  shared.fill(0);
  return {
    key: okm.slice(0, 32),
    id: okm.slice(32, 48),
    scpKeyId: Uint8Array.from(offer.scpKeyId),
    createdAt: offer.createdAt,
    expiresAt: offer.expiresAt,
  };
}

/** Site side: makes an offer valid from `now` for `ttlMs`, and the session key it yields. */
export function createSession(
  site: X25519KeyPair,
  scpPublicKey: Uint8Array,
  now: number,
  ttlMs: number,
  random: RandomSource = systemRandom,
): { offer: SessionOffer; session: SessionKey } {
  const offer: SessionOffer = {
    sitePublicKey: Uint8Array.from(site.publicKey),
    scpKeyId: keyIdOf(scpPublicKey),
    salt: random(SESSION_SALT_LENGTH),
    createdAt: now,
    expiresAt: now + ttlMs,
  };
  checkOffer(offer);
  return { offer, session: derive(offer, x25519(site.privateKey, scpPublicKey), scpPublicKey) };
}

/**
 * SCP side: derives the session key of an offer. Throws SessionExpired when the offer is already
 * past its expiry at `now`, BadKey when it names another SCP key.
 */
export function acceptSession(scp: X25519KeyPair, offer: SessionOffer, now: number): SessionKey {
  checkOffer(offer);
  if (!bytesEqual(offer.scpKeyId, keyIdOf(scp.publicKey)))
    throw new CryptoError(CryptoErrorCode.BadKey, 'session offer names another SCP key');
  if (now >= offer.expiresAt)
    throw new CryptoError(CryptoErrorCode.SessionExpired, 'session offer already expired', {
      now,
      expiresAt: offer.expiresAt,
    });
  return derive(offer, x25519(scp.privateKey, offer.sitePublicKey), scp.publicKey);
}

/** True when the site should negotiate the next session: within `leadMs` of expiry, or past it. */
export function sessionNeedsRotation(session: SessionKey, now: number, leadMs: number): boolean {
  return now >= session.expiresAt - leadMs;
}
