// Import and export of Ed25519 and X25519 keys: raw 32-byte private/public keys, JWK (RFC 8037
// OKP) and PEM (PKCS#8 private, SPKI public). PEM goes through node:crypto KeyObjects once per
// call; no key generation happens here (see the X25519 note in x25519.ts).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { bytesEqual, fromBase64Url, toBase64Url } from './bytes.js';
import { type Ed25519KeyPair, ed25519FromSeed } from './ed25519.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { type X25519KeyPair, x25519FromPrivate } from './x25519.js';

export type OkpCurve = 'Ed25519' | 'X25519';

/** RFC 8037 OKP JSON Web Key. `d` only in private keys. */
export interface OkpJwk {
  kty: 'OKP';
  crv: OkpCurve;
  x: string;
  d?: string;
}

/** A curve-tagged key: private (with its public half) or public only. */
export interface RawOkpKey {
  crv: OkpCurve;
  publicKey: Uint8Array;
  privateKey?: Uint8Array;
}

function bad(message: string): CryptoError {
  return new CryptoError(CryptoErrorCode.BadKey, message);
}

function decode32(text: unknown, field: string): Uint8Array {
  const bytes = typeof text === 'string' ? fromBase64Url(text) : new Uint8Array(0);
  if (bytes.length !== 32 || toBase64Url(bytes) !== text)
    throw bad(`JWK ${field} must be 32 base64url bytes`);
  return bytes;
}

/** Derives the public key of a raw private key on the given curve. */
function withPublic(crv: OkpCurve, privateKey: Uint8Array): RawOkpKey {
  const pair = crv === 'Ed25519' ? ed25519FromSeed(privateKey) : x25519FromPrivate(privateKey);
  return { crv, publicKey: pair.publicKey, privateKey: Uint8Array.from(privateKey) };
}

export function toJwk(key: RawOkpKey): OkpJwk {
  const jwk: OkpJwk = { kty: 'OKP', crv: key.crv, x: toBase64Url(key.publicKey) };
  if (key.privateKey) jwk.d = toBase64Url(key.privateKey);
  return jwk;
}

/** Parses a JWK; a private JWK whose `x` is not the public key of its `d` is refused. */
export function fromJwk(input: unknown): RawOkpKey {
  const jwk = input as Partial<OkpJwk> | null;
  if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'OKP') throw bad('JWK must have kty OKP');
  if (jwk.crv !== 'Ed25519' && jwk.crv !== 'X25519') throw bad('JWK crv must be Ed25519 or X25519');
  const publicKey = decode32(jwk.x, 'x');
  if (jwk.d === undefined) return { crv: jwk.crv, publicKey };
  const key = withPublic(jwk.crv, decode32(jwk.d, 'd'));
  if (!bytesEqual(key.publicKey, publicKey)) throw bad('JWK x does not match d');
  return key;
}

export function toPem(key: RawOkpKey): string {
  const jwk = toJwk(key);
  const obj: KeyObject = key.privateKey
    ? createPrivateKey({ key: { ...jwk }, format: 'jwk' })
    : createPublicKey({ key: { ...jwk }, format: 'jwk' });
  const pem = key.privateKey
    ? obj.export({ type: 'pkcs8', format: 'pem' })
    : obj.export({ type: 'spki', format: 'pem' });
  return pem.toString();
}

/** Parses a PKCS#8 private or SPKI public PEM of an Ed25519 or X25519 key. */
export function fromPem(pem: string): RawOkpKey {
  let obj: KeyObject;
  try {
    obj = pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw bad('not a PEM key');
  }
  const type = obj.asymmetricKeyType;
  if (type !== 'ed25519' && type !== 'x25519')
    throw bad(`PEM key type ${String(type)} is not Ed25519/X25519`);
  return fromJwk(obj.export({ format: 'jwk' }));
}

export function ed25519Raw(pair: Ed25519KeyPair): RawOkpKey {
  return { crv: 'Ed25519', publicKey: pair.publicKey, privateKey: pair.seed };
}

export function x25519Raw(pair: X25519KeyPair): RawOkpKey {
  return { crv: 'X25519', publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** The Ed25519 key pair of a private RawOkpKey (from JWK/PEM/keystore). */
export function ed25519Of(key: RawOkpKey): Ed25519KeyPair {
  if (key.crv !== 'Ed25519' || !key.privateKey) throw bad('expected an Ed25519 private key');
  return ed25519FromSeed(key.privateKey);
}

/** The X25519 key pair of a private RawOkpKey. */
export function x25519Of(key: RawOkpKey): X25519KeyPair {
  if (key.crv !== 'X25519' || !key.privateKey) throw bad('expected an X25519 private key');
  return x25519FromPrivate(key.privateKey);
}
