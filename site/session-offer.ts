// How a negotiated session reaches the SCP (Y.4907 7.2.2/7.2.3 "negotiate encryption
// information"). The offer (crypto/session-key.ts) is public but must be authentic, so it rides in
// the extending part of the first record of the session, and that record is sealed in ephemeral
// mode: the SCP opens it with its own key, verifies the site's digest signature over the record
// (offer included), derives the session key from the offer, and can then open the packets sealed
// with that session. Layout of the TLV value (96 bytes, integers big-endian):
//   0 site X25519 public key 32 | 32 SCP key ID 16 | 48 salt 32 | 80 createdAt u64 | 88 expiresAt u64
import type { SessionOffer } from '../crypto/session-key.js';
import { SiteError, SiteErrorCode } from './errors.js';

/** Extension TLV type of a session offer in a KPI record's extending part. */
export const EXT_SESSION_OFFER = 1;
export const SESSION_OFFER_BYTES = 96;

export function encodeSessionOffer(o: SessionOffer): Uint8Array {
  const out = new Uint8Array(SESSION_OFFER_BYTES);
  const view = new DataView(out.buffer);
  out.set(o.sitePublicKey, 0);
  out.set(o.scpKeyId, 32);
  out.set(o.salt, 48);
  view.setBigUint64(80, BigInt(o.createdAt));
  view.setBigUint64(88, BigInt(o.expiresAt));
  return out;
}

/** Decodes the TLV value (for the SCP side and tests); throws SiteError BAD_OFFER on a bad length or time. */
export function decodeSessionOffer(b: Uint8Array): SessionOffer {
  if (b.length !== SESSION_OFFER_BYTES) {
    throw new SiteError(SiteErrorCode.BadOffer, `session offer must be ${SESSION_OFFER_BYTES} bytes`, {
      n: b.length,
    });
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const createdAt = view.getBigUint64(80);
  const expiresAt = view.getBigUint64(88);
  if (createdAt > BigInt(Number.MAX_SAFE_INTEGER) || expiresAt > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SiteError(SiteErrorCode.BadOffer, 'session offer time out of range');
  }
  return {
    sitePublicKey: b.slice(0, 32),
    scpKeyId: b.slice(32, 48),
    salt: b.slice(48, 80),
    createdAt: Number(createdAt),
    expiresAt: Number(expiresAt),
  };
}
