// An administrator check of a test chain (api/admin-auth.ts) and request signing for it: one admin
// key, one key that is not an administrator, and metadata signed over exact request bytes.
import type { Metadata } from '@grpc/grpc-js';
import { AdminAuth } from '../../../api/admin-auth.js';
import { signAdminRequest } from '../../../api/admin-request.js';
import { toHex } from '../../../crypto/bytes.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';

export const chainId = new Uint8Array(32).fill(7);
export const audience = '12D3KooWTestNode';
export const adminKey = ed25519FromSeed(new Uint8Array(32).fill(1));
export const strangerKey = ed25519FromSeed(new Uint8Array(32).fill(2));
/** The identity requireAdmin names adminKey by. */
export const adminId = `key:${toHex(keyIdOf(adminKey.publicKey))}`;

export function testAdminAuth(): AdminAuth {
  return new AdminAuth({ chainId, audience, isAdmin: (k) => toHex(k) === toHex(adminKey.publicKey) });
}

export function signedFor(key: typeof adminKey, method: string, request: Uint8Array): Metadata {
  return signAdminRequest(key, { chainId, audience, method, request });
}
