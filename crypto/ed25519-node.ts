// The node:crypto (OpenSSL) Ed25519 path. Not the production verifier (libsodium is faster, see
// ed25519.ts) but kept as a measured alternative for bench/crypto and as the second native
// implementation in differential tests. OpenSSL needs a parsed KeyObject per public key; importing
// through JWK is ~15x cheaper than DER here, and parsed keys are kept in a bounded LRU.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import type { Signature } from '../codec/types.js';
import { toBase64Url, toHex } from './bytes.js';
import { ED25519_PUBLIC_LENGTH, ED25519_SIGNATURE_LENGTH, type Ed25519KeyPair } from './ed25519.js';
import { LruCache } from './lru.js';

const publicKeys = new LruCache<string, KeyObject>(4096);
const privateKeys = new LruCache<string, KeyObject>(64);

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return publicKeys.getOrCreate(toHex(publicKey), () =>
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) }, format: 'jwk' }),
  );
}

function privateKeyObject(keyPair: Ed25519KeyPair): KeyObject {
  return privateKeys.getOrCreate(toHex(keyPair.publicKey), () =>
    createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(keyPair.publicKey), d: toBase64Url(keyPair.seed) },
      format: 'jwk',
    }),
  );
}

export function signNode(keyPair: Ed25519KeyPair, message: Uint8Array): Signature {
  return new Uint8Array(sign(null, message, privateKeyObject(keyPair)));
}

/** Same contract as ed25519.verify: false for a bad signature or a key/signature of the wrong size. */
export function verifyNode(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH)
    return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    // OpenSSL rejects some invalid points at import; that is a failed verification, not an error.
    return false;
  }
}
