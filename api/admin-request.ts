// The admin-signed request: what an administrator's Ed25519 key signs so that a node accepts a
// state-changing management call from it (docs/rpc.md, "Admin authentication"; byte layout and a
// vector there). The signature travels in call metadata, next to the request it covers:
//
//   bkdms-admin-pubkey     64 hex digits: the admin's Ed25519 public key
//   bkdms-admin-time       decimal UTC ms when signed (the node accepts it within its freshness window)
//   bkdms-admin-nonce      32 hex digits: 16 random bytes, never used twice
//   bkdms-admin-signature  128 hex digits: Ed25519 over adminSigningBytes(...)
//
// The signed bytes bind the chain, the node addressed (its peer ID), the full gRPC method, the
// time, the nonce and the SHA-256 of the exact request bytes sent, so a signature cannot be moved
// to another chain, node, method or request, and a replay is caught by the nonce.
import { Metadata } from '@grpc/grpc-js';
import { concatBytes, label, toHex, u64be } from '../crypto/bytes.js';
import { type Ed25519KeyPair, sign } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { systemRandom } from '../crypto/random.js';
import { ApiError, ApiErrorCode } from './errors.js';

/** Domain tag of the signed bytes. */
export const ADMIN_REQUEST_DOMAIN = 'BKDMS/v1/admin-request\0';
export const ADMIN_NONCE_LENGTH = 16;

export const AdminHeader = {
  publicKey: 'bkdms-admin-pubkey',
  time: 'bkdms-admin-time',
  nonce: 'bkdms-admin-nonce',
  signature: 'bkdms-admin-signature',
} as const;

export interface AdminRequestFields {
  chainId: Uint8Array;
  /** Peer ID (base58 text) of the node the call is addressed to. */
  audience: string;
  /** Full gRPC method path, e.g. "/bkdms.v1.Management/SetLogLevel". */
  method: string;
  /** UTC ms. */
  time: number;
  nonce: Uint8Array;
  /** The serialized request message exactly as sent. */
  request: Uint8Array;
}

const ascii = (s: string, what: string): Uint8Array => {
  const b = new TextEncoder().encode(s);
  if (b.length > 255 || b.length !== s.length)
    throw new ApiError(ApiErrorCode.InvalidArgument, `${what} must be ASCII of at most 255 bytes`);
  return concatBytes(Uint8Array.of(b.length), b);
};

/**
 * domain || chainId (32) || u8 len || audience || u8 len || method || u64be time || nonce (16) ||
 * SHA-256(request) (32).
 */
export function adminSigningBytes(f: AdminRequestFields): Uint8Array {
  if (f.chainId.length !== 32) throw new ApiError(ApiErrorCode.InvalidArgument, 'chain ID must be 32 bytes');
  if (f.nonce.length !== ADMIN_NONCE_LENGTH)
    throw new ApiError(ApiErrorCode.InvalidArgument, `nonce must be ${ADMIN_NONCE_LENGTH} bytes`);
  if (!Number.isSafeInteger(f.time) || f.time < 0)
    throw new ApiError(ApiErrorCode.InvalidArgument, 'time must be a non-negative safe integer');
  return concatBytes(
    label(ADMIN_REQUEST_DOMAIN),
    f.chainId,
    ascii(f.audience, 'audience'),
    ascii(f.method, 'method'),
    u64be(f.time),
    f.nonce,
    sha256(f.request),
  );
}

/** Call metadata carrying an admin signature over one request (the client side). */
export function signAdminRequest(
  key: Ed25519KeyPair,
  f: Omit<AdminRequestFields, 'time' | 'nonce'> & { time?: number; nonce?: Uint8Array },
): Metadata {
  const fields: AdminRequestFields = {
    ...f,
    time: f.time ?? Date.now(),
    nonce: f.nonce ?? systemRandom(ADMIN_NONCE_LENGTH),
  };
  const md = new Metadata();
  md.set(AdminHeader.publicKey, toHex(key.publicKey));
  md.set(AdminHeader.time, String(fields.time));
  md.set(AdminHeader.nonce, toHex(fields.nonce));
  md.set(AdminHeader.signature, toHex(sign(key, adminSigningBytes(fields))));
  return md;
}
