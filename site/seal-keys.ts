// Chooses how each record is sealed (Y.4907 Table 10-2): for the SCP key currently valid in the
// chain's key directory, with a negotiated session key when the site is configured for sessions
// (cheap: two AES-GCM calls per packet), or a per-packet ephemeral key otherwise. A new session is
// negotiated when there is none, when it is near expiry, or when the directory's current SCP key
// changes; the first record of a session carries the offer and is sealed ephemerally (see
// session-offer.ts). Session keys live in memory only: a restarted site negotiates a new one.
import { SealAlgorithm } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import type { SealTarget } from '../crypto/seal.js';
import {
  createSession,
  type SessionKey,
  type SessionOffer,
  sessionNeedsRotation,
} from '../crypto/session-key.js';
import { generateX25519 } from '../crypto/x25519.js';
import { SiteError, SiteErrorCode } from './errors.js';

export interface ScpKey {
  keyId: Uint8Array;
  /** X25519 public key. */
  publicKey: Uint8Array;
  notBefore: number;
  notAfter: number;
}

/** The SCP key directory as the chain serves it (GetScpKeys). */
export interface ScpKeySource {
  scpKeys(): Promise<ScpKey[]>;
}

export interface SealKeysOptions {
  mode: 'session' | 'ephemeral';
  sessionTtlMs: number;
  /** Negotiate the next session this long before the current one expires. */
  renewBeforeMs: number;
  /** How long a fetched directory is trusted before it is fetched again. */
  directoryTtlMs: number;
}

export interface SealChoice {
  target: SealTarget;
  /** Set when this record must carry a session offer in its extending part. */
  offer?: SessionOffer;
}

export class SealKeys {
  private directory: ScpKey[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private session: SessionKey | null = null;
  private offer: SessionOffer | null = null;
  /** Seq of the record carrying the current offer; a later seq means that record was kept. */
  private offerSeq = 0;

  constructor(
    private readonly source: ScpKeySource,
    private readonly opts: SealKeysOptions,
  ) {}

  /** How to seal the record that will carry `seq`, made at `now`. */
  async choose(seq: number, now: number): Promise<SealChoice> {
    const scp = await this.currentScpKey(now);
    const ephemeral: SealTarget = { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: scp.publicKey };
    if (this.opts.mode === 'ephemeral') return { target: ephemeral };
    const stale =
      this.session === null ||
      !bytesEqual(this.session.scpKeyId, scp.keyId) ||
      sessionNeedsRotation(this.session, now, this.opts.renewBeforeMs);
    if (stale) {
      this.session?.key.fill(0);
      const ttl = Math.min(this.opts.sessionTtlMs, scp.notAfter - now);
      const { offer, session } = createSession(generateX25519(), scp.publicKey, now, ttl);
      this.session = session;
      this.offer = offer;
      this.offerSeq = seq;
    }
    // Until a record with a higher seq is made, the offer's record may not have been kept (outbox
    // full, crash): every record at or below that seq carries the offer again.
    if (this.offer !== null && seq <= this.offerSeq) return { target: ephemeral, offer: this.offer };
    return { target: { alg: SealAlgorithm.SessionKey, session: this.session!, now } };
  }

  /**
   * A per-packet ephemeral seal for the current SCP key, whatever the mode: for a record sealed
   * again under a new seq, which must open without any session (it may carry a session offer).
   */
  async ephemeral(now: number): Promise<SealTarget> {
    const scp = await this.currentScpKey(now);
    return { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: scp.publicKey };
  }

  private async currentScpKey(now: number): Promise<ScpKey> {
    if (now - this.fetchedAt >= this.opts.directoryTtlMs || !pick(this.directory, now)) {
      try {
        this.directory = await this.source.scpKeys();
        this.fetchedAt = now;
      } catch (err) {
        throw new SiteError(
          SiteErrorCode.UploadFailed,
          `cannot read the SCP key directory: ${(err as Error).message}`,
        );
      }
    }
    const key = pick(this.directory, now);
    if (!key)
      throw new SiteError(SiteErrorCode.NoScpKey, 'no SCP encryption key is valid now in the key directory');
    return key;
  }
}

/** The valid key with the latest notBefore: a newly added key takes over as soon as it is valid. */
function pick(keys: ScpKey[], now: number): ScpKey | undefined {
  return keys
    .filter((k) => k.notBefore <= now && now < k.notAfter)
    .sort((a, b) => b.notBefore - a.notBefore || b.notAfter - a.notAfter)[0];
}
