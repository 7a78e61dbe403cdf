// Ed25519 identity keys, signing and verification through libsodium (sodium-native): the fastest
// native path measured (bench/crypto.ts) (verify ~12k/s vs ~7.7k/s for node:crypto, see
// bench/crypto.ts). libsodium takes raw 32-byte public keys, so there is nothing to parse or cache.
import type { Signature } from '../codec/types.js';
import { offHeapShort } from './bytes.js';
import { CryptoError, CryptoErrorCode, expectLength } from './errors.js';
import { type RandomSource, systemRandom } from './random.js';
import { sodium } from './sodium.js';

export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

export interface Ed25519KeyPair {
  /** The RFC 8032 private key: 32 random bytes. This is what keystores and JWK `d` hold. */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** libsodium's 64-byte expanded secret (seed || public key), kept to sign without re-deriving. */
  readonly secretKey: Uint8Array;
}

/** Derives the key pair of a 32-byte seed (RFC 8032 private key). */
export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  expectLength('Ed25519 seed', seed, ED25519_SEED_LENGTH);
  const publicKey = new Uint8Array(ED25519_PUBLIC_LENGTH);
  const secretKey = new Uint8Array(64);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  return { seed: Uint8Array.from(seed), publicKey, secretKey };
}

export function generateEd25519(random: RandomSource = systemRandom): Ed25519KeyPair {
  return ed25519FromSeed(random(ED25519_SEED_LENGTH));
}

/** Signs `message` (the caller passes the domain-separated signing bytes from codec/signing.ts). */
export function sign(keyPair: Ed25519KeyPair, message: Uint8Array): Signature {
  if (keyPair.secretKey.length !== 64)
    throw new CryptoError(CryptoErrorCode.BadKey, 'Ed25519 secret key must be 64 bytes');
  const signature = new Uint8Array(ED25519_SIGNATURE_LENGTH);
  sodium.crypto_sign_detached(signature, message, keyPair.secretKey);
  return signature;
}

// sodium-native reads each argument's backing store, and V8 keeps a typed array of 64 bytes or
// less inside its own heap: asking for its backing store moves the bytes out into a new malloc'd
// one (bytes.ts offHeapShort). Keys and signatures decoded into their own small arrays are such
// arrays, so verify copies them into off-heap scratch first, and a short message into the shared one.
const keyScratch = new Uint8Array(new ArrayBuffer(ED25519_PUBLIC_LENGTH));
const sigScratch = new Uint8Array(new ArrayBuffer(ED25519_SIGNATURE_LENGTH));

/**
 * Verifies an Ed25519 signature. Returns false (never throws) for a wrong signature or for a
 * public key or signature of the wrong length: callers treat all of them as "not signed by this key".
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH)
    return false;
  keyScratch.set(publicKey);
  sigScratch.set(signature);
  return sodium.crypto_sign_verify_detached(sigScratch, offHeapShort(message), keyScratch);
}
