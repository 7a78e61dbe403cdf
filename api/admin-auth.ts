// Admin authentication of state-changing management calls. Reads are open; a call that changes
// the node passes `requireAdmin` first, which accepts either credential:
//   - a mutual-TLS client certificate whose SHA-256 fingerprint is in the node's allow list
//     (config admin.certSha256), or
//   - an admin-signed request (api/admin-request.ts): an Ed25519 signature by a key that is an
//     administrator in the contract state, over the chain, this node, the method, a time within
//     the freshness window, a nonce, and the request bytes; each nonce is accepted once.
// Failures are ApiErrors: UNAUTHENTICATED (no credential, malformed, stale, bad signature,
// replayed) or PERMISSION_DENIED (a valid credential that names no administrator).
import type { Metadata } from '@grpc/grpc-js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { verify } from '../crypto/ed25519.js';
import { keyIdOf } from '../crypto/key-id.js';
import { ADMIN_NONCE_LENGTH, AdminHeader, adminSigningBytes } from './admin-request.js';
import { ApiError, ApiErrorCode } from './errors.js';

export interface AdminIdentity {
  kind: 'key' | 'cert';
  /** "key:<key ID hex>" or "cert:<SHA-256 fingerprint hex>": never key material. */
  id: string;
}

/** What requireAdmin reads of a call: grpc-js's ServerUnaryCall and streams all have both. */
export interface AdminCall {
  metadata: Metadata;
  getAuthContext(): { sslPeerCertificate?: { fingerprint256?: string } } | null;
}

export interface AdminAuthOptions {
  chainId: Uint8Array;
  /** This node's peer ID: a signature addressed to another node is refused. */
  audience: string;
  /** Whether an Ed25519 public key is an administrator in the contract state now. */
  isAdmin(publicKey: Uint8Array): boolean;
  /** SHA-256 fingerprints (hex, colons optional) of admin client certificates. */
  certSha256?: readonly string[];
  /** How far a signed time may be from the node's clock, either way (ms); default 60 s. */
  windowMs?: number;
  /** Nonces remembered within the window; past it new signed calls are refused. Default 10,000. */
  maxNonces?: number;
  now?: () => number;
}

const hexOf = (s: string, bytes: number): Uint8Array | undefined =>
  new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(s) ? Buffer.from(s, 'hex') : undefined;

export const normalizeFingerprint = (s: string): string => s.replaceAll(':', '').toLowerCase();

const unauthenticated = (message: string): ApiError => new ApiError(ApiErrorCode.Unauthenticated, message);

export class AdminAuth {
  private readonly certs: Set<string>;
  private readonly windowMs: number;
  private readonly maxNonces: number;
  private readonly now: () => number;
  /** nonce hex -> when it stops mattering (signed time + window), in insertion order. */
  private readonly nonces = new Map<string, number>();

  constructor(private readonly opts: AdminAuthOptions) {
    this.certs = new Set((opts.certSha256 ?? []).map(normalizeFingerprint));
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxNonces = opts.maxNonces ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The administrator behind `call`, or throws UNAUTHENTICATED / PERMISSION_DENIED. `method` is
   * the full gRPC path ("/bkdms.v1.Management/SetLogLevel") and `requestBytes` the request as
   * received (api/proto.ts requestBytesOf).
   */
  requireAdmin(call: AdminCall, method: string, requestBytes: Uint8Array): AdminIdentity {
    const md = call.metadata;
    const header = (k: string): string | undefined => {
      const v = md.get(k)[0];
      return typeof v === 'string' ? v : undefined;
    };
    const signed = header(AdminHeader.signature) !== undefined;
    const fingerprint = call.getAuthContext()?.sslPeerCertificate?.fingerprint256;
    if (fingerprint !== undefined && this.certs.has(normalizeFingerprint(fingerprint)))
      return { kind: 'cert', id: `cert:${normalizeFingerprint(fingerprint)}` };
    if (!signed) {
      if (fingerprint !== undefined && this.certs.size > 0)
        throw new ApiError(ApiErrorCode.PermissionDenied, 'client certificate is not an administrator');
      throw unauthenticated('administrator credential required (admin client certificate or signed request)');
    }
    const publicKey = hexOf(header(AdminHeader.publicKey) ?? '', 32);
    const nonce = hexOf(header(AdminHeader.nonce) ?? '', ADMIN_NONCE_LENGTH);
    const signature = hexOf(header(AdminHeader.signature) ?? '', 64);
    const timeText = header(AdminHeader.time) ?? '';
    const time = /^\d{1,16}$/.test(timeText) ? Number(timeText) : Number.NaN;
    if (
      publicKey === undefined ||
      nonce === undefined ||
      signature === undefined ||
      !Number.isSafeInteger(time)
    )
      throw unauthenticated('malformed admin signature headers');
    const now = this.now();
    if (Math.abs(now - time) > this.windowMs)
      throw unauthenticated(
        `admin signature time is outside the ${this.windowMs} ms window of the node's clock`,
      );
    const fields = { chainId: this.opts.chainId, audience: this.opts.audience, method, time, nonce };
    if (!verify(publicKey, adminSigningBytes({ ...fields, request: requestBytes }), signature))
      throw unauthenticated('bad admin signature');
    if (!this.opts.isAdmin(publicKey))
      throw new ApiError(ApiErrorCode.PermissionDenied, 'signer is not an administrator of the chain');
    this.remember(toHex(nonce), time + this.windowMs, now);
    return { kind: 'key', id: `key:${toHex(keyIdOf(publicKey))}` };
  }

  /** Nonces held now (tests, metrics). */
  get rememberedNonces(): number {
    return this.nonces.size;
  }

  private remember(nonce: string, until: number, now: number): void {
    for (const [n, t] of this.nonces) {
      if (t >= now) break;
      this.nonces.delete(n);
    }
    if (this.nonces.has(nonce)) throw unauthenticated('admin request replayed (nonce already used)');
    // Expiry times are not monotonic in insertion order (signed times vary within the window), so
    // the sweep above may stop early; a full pass runs only when the bound is reached.
    if (this.nonces.size >= this.maxNonces)
      for (const [n, t] of this.nonces) if (t < now) this.nonces.delete(n);
    if (this.nonces.size >= this.maxNonces)
      throw new ApiError(
        ApiErrorCode.RateLimited,
        'too many admin requests in the window',
        {},
        this.windowMs,
      );
    this.nonces.set(nonce, until);
  }
}

/** Whether `publicKey` is among `admins` (hex public keys, as the contract state stores them). */
export function isAmong(admins: readonly string[], publicKey: Uint8Array): boolean {
  return admins.some((a) => a.length === 64 && bytesEqual(Buffer.from(a, 'hex'), publicKey));
}
