// X25519 (RFC 7748) through libsodium. node:crypto is not used for key generation: on Node 20.20,
// generateKeyPairSync('x25519') followed by a JWK export, repeated in a loop, hangs the process.
// A private key here is simply 32 random bytes (clamped inside the scalar multiplication).
import { CryptoError, CryptoErrorCode, expectLength } from './errors.js';
import { type RandomSource, systemRandom } from './random.js';
import { sodium } from './sodium.js';

export const X25519_KEY_LENGTH = 32;

export interface X25519KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function x25519FromPrivate(privateKey: Uint8Array): X25519KeyPair {
  expectLength('X25519 private key', privateKey, X25519_KEY_LENGTH);
  const publicKey = new Uint8Array(X25519_KEY_LENGTH);
  sodium.crypto_scalarmult_base(publicKey, privateKey);
  return { privateKey: Uint8Array.from(privateKey), publicKey };
}

export function generateX25519(random: RandomSource = systemRandom): X25519KeyPair {
  return x25519FromPrivate(random(X25519_KEY_LENGTH));
}

/**
 * The raw X25519 shared secret. Throws WeakKey when the result is all zeros (the peer sent a
 * low-order point), as RFC 7748 section 6.1 recommends checking.
 */
export function x25519(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  expectLength('X25519 private key', privateKey, X25519_KEY_LENGTH);
  expectLength('X25519 public key', peerPublicKey, X25519_KEY_LENGTH);
  const shared = new Uint8Array(X25519_KEY_LENGTH);
  try {
    sodium.crypto_scalarmult(shared, privateKey, peerPublicKey);
  } catch {
    throw new CryptoError(
      CryptoErrorCode.WeakKey,
      'X25519 shared secret is all zeros (low-order public key)',
    );
  }
  return shared;
}
