// What the platform keeps per extracted KPI packet besides its Table 10-3 storage record: where
// it came from (clear metadata) and what opening it gave — the decrypted values, or the reason it
// could not be used. Failures are stored like successes: nothing is silently dropped.
import type { CityCode, KpiEntry } from '../codec/types.js';

export enum PacketFailure {
  /** The envelope bytes in the certified block do not decode as an upload. */
  BadEnvelope = 'BAD_ENVELOPE',
  /** The signer is no site the registry knows at this block (never registered, or a rotated-out key). */
  UnknownSite = 'UNKNOWN_SITE',
  /** The site was suspended or revoked at this block (the chain rejected the upload on execution). */
  SiteNotActive = 'SITE_NOT_ACTIVE',
  /** Routing outside what the registry allows the site (country, city, site ID, KPI codes). */
  NotPermitted = 'NOT_PERMITTED',
  /** The sealed packet has lengths or an algorithm no sealer produces. */
  MalformedPacket = 'MALFORMED_PACKET',
  /** Sealed for an SCP key or session this platform does not hold. */
  UnknownKey = 'UNKNOWN_KEY',
  /** AES-GCM authentication failed (altered ciphertext, nonce, header or envelope AAD). */
  DecryptFailed = 'DECRYPT_FAILED',
  /** The decrypted digest is not the digest of the decrypted record. */
  DigestMismatch = 'DIGEST_MISMATCH',
  /** The digest signature does not verify under the site's registered key at this block. */
  BadSignature = 'BAD_SIGNATURE',
  /** The decrypted bytes are not a valid KPI record. */
  BadRecord = 'BAD_RECORD',
  /** The clear routing metadata does not match the decrypted record. */
  RoutingMismatch = 'ROUTING_MISMATCH',
  /** The record carries a session offer that cannot be accepted (bad layout, expired, other key). */
  BadOffer = 'BAD_OFFER',
}

/** Clear facts about a packet, known without decrypting it. */
export interface PacketMeta {
  tracingCode: string;
  height: number;
  index: number;
  /** Block (commit) time, UTC ms. */
  blockTime: number;
  /** Envelope time (when the site made it), UTC ms. */
  envelopeTime: number;
  seq: number;
  siteKeyId: string;
  country: number;
  city: CityCode;
  /** Site ID from the routing metadata, hex. */
  siteId: string;
  kpiCodes: number[];
}

export interface DecryptedRecord {
  country: number;
  city: CityCode;
  siteId: string;
  /** Collection time, UTC ms. */
  time: number;
  entries: KpiEntry[];
}

export type PacketOutcome =
  | {
      ok: true;
      /** The site's Ed25519 key the digest signature verified under (hex). */
      sitePublicKey: string;
      /** 'ephemeral' or 'session'. */
      seal: string;
      record: DecryptedRecord;
    }
  | { ok: false; reason: PacketFailure; detail: string };

export interface StoredPacket {
  meta: PacketMeta;
  /** Encoded StorageRecord (Table 10-3), check code included. */
  storage: Uint8Array;
  outcome: PacketOutcome;
}

export function failed(reason: PacketFailure, detail = ''): PacketOutcome {
  return { ok: false, reason, detail };
}
