// Session offers as the SCP receives them: in the extending part of a record (TLV type 1, the
// layout site/session-offer.ts writes: site X25519 public key 32 | SCP key ID 16 | salt 32 |
// createdAt u64 | expiresAt u64, big-endian). platform/ cannot import site/ (a sibling), so the
// reader side lives here; a test checks it against the site's encoder.
import { decodeExtension } from '../codec/extension.js';
import type { SessionOffer } from '../crypto/session-key.js';

export const EXT_SESSION_OFFER = 1;
const OFFER_BYTES = 96;

export interface FoundOffer {
  offer: SessionOffer;
  /** The TLV value as carried (persisted as is, so a restarted platform re-derives the session). */
  bytes: Uint8Array;
}

/** The offer in a record's extending part: undefined when none, 'bad' when present but malformed. */
export function findSessionOffer(extension: Uint8Array): FoundOffer | undefined | 'bad' {
  if (extension.length === 0) return undefined;
  let items: ReturnType<typeof decodeExtension>;
  try {
    items = decodeExtension(extension);
  } catch {
    return 'bad';
  }
  const item = items.find((i) => i.type === EXT_SESSION_OFFER);
  if (item === undefined) return undefined;
  const offer = readOffer(item.value);
  return offer === undefined ? 'bad' : { offer, bytes: Uint8Array.from(item.value) };
}

/** Decodes the 96-byte offer value; undefined when the length or a time is out of range. */
export function readOffer(b: Uint8Array): SessionOffer | undefined {
  if (b.length !== OFFER_BYTES) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const createdAt = view.getBigUint64(80);
  const expiresAt = view.getBigUint64(88);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (createdAt > max || expiresAt > max) return undefined;
  return {
    sitePublicKey: b.slice(0, 32),
    scpKeyId: b.slice(32, 48),
    salt: b.slice(48, 80),
    createdAt: Number(createdAt),
    expiresAt: Number(expiresAt),
  };
}
