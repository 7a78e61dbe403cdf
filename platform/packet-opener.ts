// Decryption and verification of one KPI upload (Y.4907 §8.3): open the sealed packet with the
// platform's X25519 key(s) or an accepted session key, verify the site's digest signature with
// the key the registry held for that site at that block, decode the record, and check the clear
// routing metadata against it. Every way this can fail has its own PacketFailure; session offers
// found in records are accepted here so later session-sealed packets open.
import { envelopeAadView, envelopePacket } from '../codec/envelope-view.js';
import { decodeKpiRecord } from '../codec/kpi-record.js';
import { decodeSealedPacket } from '../codec/sealed-packet.js';
import { type KpiRecord, SealAlgorithm, type SealedPacket, SiteStatus } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { verify } from '../crypto/ed25519.js';
import { keyIdOf } from '../crypto/key-id.js';
import { decryptPacket, digestSignatureItem, OpenFailure } from '../crypto/open.js';
import { acceptSession, type SessionOffer } from '../crypto/session-key.js';
import { SessionKeyring } from '../crypto/session-keyring.js';
import type { VerifyItem } from '../crypto/verify-job.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import type { SiteEntry } from './chain-state.js';
import { hex, unhex } from './hex.js';
import { failed, PacketFailure, type PacketMeta, type PacketOutcome } from './outcome.js';
import { findSessionOffer, readOffer } from './session-offers.js';

const OPEN_FAILURES: Record<OpenFailure, PacketFailure> = {
  [OpenFailure.Malformed]: PacketFailure.MalformedPacket,
  [OpenFailure.UnknownKey]: PacketFailure.UnknownKey,
  [OpenFailure.DecryptFailed]: PacketFailure.DecryptFailed,
  [OpenFailure.DigestMismatch]: PacketFailure.DigestMismatch,
  [OpenFailure.BadSignature]: PacketFailure.BadSignature,
};

export interface OpenedPacket {
  outcome: PacketOutcome;
  /** A session offer the record carried and that was accepted (96 bytes, to persist). */
  acceptedOffer?: Uint8Array;
}

function routingMismatch(meta: PacketMeta, rec: KpiRecord): string | undefined {
  if (rec.country !== meta.country) return `country ${rec.country} vs routing ${meta.country}`;
  if (rec.city.scheme !== meta.city.scheme || rec.city.code !== meta.city.code)
    return `city ${rec.city.code} vs routing ${meta.city.code}`;
  if (hex(rec.siteId) !== meta.siteId) return 'site ID differs from routing';
  const codes = [...new Set(rec.entries.map((e) => e.code))].sort((a, b) => a - b);
  if (codes.join(',') !== meta.kpiCodes.join(','))
    return `KPI codes [${codes}] vs routing [${meta.kpiCodes}]`;
  return undefined;
}

/** The chain's own admission rule, re-checked: the routing must be what the site may send. */
function notPermitted(meta: PacketMeta, site: SiteEntry): string | undefined {
  if (meta.country !== site.country) return `country ${meta.country} not the site's ${site.country}`;
  if (meta.city.scheme !== site.city.scheme || meta.city.code !== site.city.code)
    return `city ${meta.city.code} not the site's ${site.city.code}`;
  if (meta.siteId !== site.siteId) return "site ID not the site's";
  const bad = meta.kpiCodes.filter((c) => !site.kpiCodes.includes(c));
  return bad.length > 0 ? `KPI codes [${bad}] not allowed` : undefined;
}

export class PacketOpener {
  private readonly keyring: SessionKeyring;

  constructor(
    /** The platform's X25519 key pairs: current and retired, so old packets still open. */
    private readonly scpKeys: readonly X25519KeyPair[],
    keyring?: SessionKeyring,
  ) {
    this.keyring = keyring ?? new SessionKeyring();
  }

  /** Re-accepts an offer persisted earlier (at its own creation time: it was valid then). */
  restoreOffer(bytes: Uint8Array): void {
    const offer = readOffer(bytes);
    const scp = offer && this.scpKeys.find((k) => bytesEqual(keyIdOf(k.publicKey), offer.scpKeyId));
    if (offer && scp) this.accept(scp, offer, offer.createdAt);
  }

  /**
   * Adds the offer's session; false when the keyring refuses it (full of live sessions). The
   * record that carried it stands; packets sealed with that session will then be UNKNOWN_KEY.
   */
  private accept(scp: X25519KeyPair, offer: SessionOffer, now: number): boolean {
    try {
      this.keyring.add(acceptSession(scp, offer, now), now);
      return true;
    } catch {
      return false;
    }
  }

  /** Opens the upload `envelope` committed at `meta.blockTime`, signed by `site` (as of that block). */
  open(envelope: Uint8Array, meta: PacketMeta, site: SiteEntry | undefined): OpenedPacket {
    const pending = this.openPending(envelope, meta, site);
    const { check } = pending;
    return check
      ? settle(pending, verify(check.item.publicKey, check.item.message, check.item.signature))
      : pending;
  }

  /**
   * `open`, but the site's signature over the digest may be left to the caller, to verify many at
   * once (`check`, then `settle`). Packets are opened in chain order: the only state opening
   * changes (a session offer accepted into the keyring) is changed only after the signature of
   * the packet carrying the offer has verified here, so no later packet depends on a pending check.
   */
  openPending(envelope: Uint8Array, meta: PacketMeta, site: SiteEntry | undefined): PendingPacket {
    if (site === undefined) return { outcome: failed(PacketFailure.UnknownSite, meta.siteKeyId) };
    if (site.status !== SiteStatus.Active)
      return { outcome: failed(PacketFailure.SiteNotActive, `status ${SiteStatus[site.status]}`) };
    const refused = notPermitted(meta, site);
    if (refused !== undefined) return { outcome: failed(PacketFailure.NotPermitted, refused) };
    let packet: SealedPacket;
    try {
      packet = decodeSealedPacket(envelopePacket(envelope));
    } catch (err) {
      return { outcome: failed(PacketFailure.MalformedPacket, (err as Error).message) };
    }
    const keys = {
      scpKey: (id: Uint8Array) => this.scpKeys.find((k) => bytesEqual(keyIdOf(k.publicKey), id)),
      session: (id: Uint8Array) => this.keyring.get(id),
    };
    const opened = decryptPacket(packet, envelopeAadView(envelope), keys);
    const keyId = hex(packet.scpKeyId);
    if (!opened.ok) return { outcome: failed(OPEN_FAILURES[opened.failure], keyId) };
    // A bad signature outranks whatever the record would give: every outcome below holds only if
    // this check passes.
    const check = {
      item: digestSignatureItem(unhex(site.publicKey), opened.digest, opened.signature),
      otherwise: failed(PacketFailure.BadSignature, keyId),
    };
    let rec: KpiRecord;
    try {
      rec = decodeKpiRecord(opened.record);
    } catch (err) {
      return { outcome: failed(PacketFailure.BadRecord, (err as Error).message), check };
    }
    const mismatch = routingMismatch(meta, rec);
    if (mismatch !== undefined) return { outcome: failed(PacketFailure.RoutingMismatch, mismatch), check };
    const found = findSessionOffer(rec.extension);
    if (found === 'bad') return { outcome: failed(PacketFailure.BadOffer, 'malformed session offer'), check };
    const outcome: PacketOutcome = {
      ok: true,
      sitePublicKey: site.publicKey,
      seal: packet.alg === SealAlgorithm.SessionKey ? 'session' : 'ephemeral',
      record: {
        country: rec.country,
        city: { ...rec.city },
        siteId: hex(rec.siteId),
        time: rec.time,
        entries: rec.entries.map((e) => ({ ...e })),
      },
    };
    if (found === undefined || packet.alg !== SealAlgorithm.EphemeralX25519) return { outcome, check };
    // Accepting the offer changes what later packets open to: only with the signature verified.
    const { item } = check;
    if (!verify(item.publicKey, item.message, item.signature)) return { outcome: check.otherwise };
    const scp = keys.scpKey(found.offer.scpKeyId);
    // An offer already expired at commit, or for another key, opens nothing: the record stands.
    if (scp && meta.blockTime < found.offer.expiresAt && this.accept(scp, found.offer, meta.blockTime))
      return { outcome, acceptedOffer: found.bytes };
    return { outcome };
  }
}

/** A packet opened but for, possibly, its digest signature (see `PacketOpener.openPending`). */
export interface PendingPacket extends OpenedPacket {
  /** The signature still to verify, and the outcome should it not. */
  check?: { item: VerifyItem; otherwise: PacketOutcome };
}

/** The packet as `open` gives it, once its pending signature check (if any) gave `verified`. */
export function settle(pending: PendingPacket, verified: boolean): OpenedPacket {
  if (pending.check === undefined || verified)
    return {
      outcome: pending.outcome,
      ...(pending.acceptedOffer ? { acceptedOffer: pending.acceptedOffer } : {}),
    };
  return { outcome: pending.check.otherwise };
}
