// The browser's stand-in for crypto/sodium.ts (libsodium is a native module): the bundle for the
// console (console/bundle.ts) swaps it in, so the verifiers of crypto/ and api/ run unchanged in
// the page. Only what verification needs is here: SHA-256 (@noble/hashes) and Ed25519 verify
// (@noble/ed25519, the project's independent second implementation); anything else throws.
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2';

ed.hashes.sha512 = (message) => new Uint8Array(sha512(message));

function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser console`);
}

export const sodium = {
  crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void {
    out.set(sha256(input));
  },
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    try {
      // zip215 off: RFC 8032 strict verification, as libsodium does on the nodes.
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  crypto_sign_seed_keypair: () => unavailable('key generation'),
  crypto_sign_detached: () => unavailable('signing'),
  crypto_sign_ed25519_pk_to_curve25519: () => unavailable('X25519'),
  crypto_sign_ed25519_sk_to_curve25519: () => unavailable('X25519'),
  crypto_scalarmult_base: () => unavailable('X25519'),
  crypto_scalarmult: () => unavailable('X25519'),
  sodium_memzero: (b: Uint8Array) => b.fill(0),
};

export const sodiumModulePath = '';
