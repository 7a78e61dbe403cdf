// The keystore file's content: one private key encrypted under a passphrase with scrypt +
// AES-256-GCM, as JSON (human-inspectable, versioned). The AAD binds every clear field (curve,
// public key, KDF parameters, salt), so editing any of them fails decryption just like a wrong
// passphrase. Pure apart from scrypt's CPU time; the file handling is in keystore.ts.
import { scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import { aesGcmDecrypt, aesGcmEncrypt } from './aead.js';
import { concatBytes, fromBase64Url, label, toBase64Url, toHex } from './bytes.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { fromJwk, type OkpCurve, type RawOkpKey } from './key-formats.js';
import { keyIdOf } from './key-id.js';
import { type RandomSource, systemRandom } from './random.js';

const scrypt = promisify(scryptCb) as (
  pass: string,
  salt: Uint8Array,
  len: number,
  opts: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** 2^15 x 8 x 128 bytes = 32 MiB and ~0.1 s per unlock on a 2-core x86-64 test machine. */
export const defaultScryptParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
/** Bounds accepted when reading: a file cannot make us allocate more than 256 MiB or run for minutes. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

export interface KeystoreFile {
  format: 'bkdms-keystore';
  version: 1;
  crv: OkpCurve;
  /** base64url public key, and its key ID in hex (so operators can see which key a file holds). */
  publicKey: string;
  keyId: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; nonce: string; ciphertext: string };
}

const aadTag = label('BKDMS/v1/keystore\0');

function aad(crv: OkpCurve, publicKey: Uint8Array, k: ScryptParams, salt: Uint8Array): Uint8Array {
  const params = new Uint8Array(12);
  const dv = new DataView(params.buffer);
  dv.setUint32(0, k.N);
  dv.setUint32(4, k.r);
  dv.setUint32(8, k.p);
  return concatBytes(aadTag, label(`${crv}\0`), publicKey, params, salt);
}

function corrupted(message: string): CryptoError {
  return new CryptoError(CryptoErrorCode.CorruptedKeystore, message);
}

function checkParams(k: ScryptParams): void {
  const ok =
    Number.isInteger(k.N) &&
    k.N >= 2 ** 10 &&
    (k.N & (k.N - 1)) === 0 &&
    Number.isInteger(k.r) &&
    k.r >= 1 &&
    k.r <= 32 &&
    Number.isInteger(k.p) &&
    k.p >= 1 &&
    k.p <= 16 &&
    128 * k.N * k.r <= MAX_SCRYPT_MEMORY;
  if (!ok) throw corrupted('scrypt parameters out of bounds');
}

async function deriveKey(passphrase: string, salt: Uint8Array, k: ScryptParams): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    throw new CryptoError(CryptoErrorCode.InvalidInput, 'passphrase must be a non-empty string');
  const maxmem = 128 * k.N * k.r * 2 + 1024 * 1024;
  return new Uint8Array(await scrypt(passphrase.normalize('NFC'), salt, 32, { ...k, maxmem }));
}

/** Encrypts a private key into keystore JSON text. */
export async function encryptKeystore(
  key: RawOkpKey,
  passphrase: string,
  params: ScryptParams = defaultScryptParams,
  random: RandomSource = systemRandom,
): Promise<string> {
  if (!key.privateKey) throw new CryptoError(CryptoErrorCode.InvalidInput, 'keystore needs a private key');
  checkParams(params);
  const salt = random(16);
  const nonce = random(12);
  const aesKey = await deriveKey(passphrase, salt, params);
  const ciphertext = aesGcmEncrypt(aesKey, nonce, aad(key.crv, key.publicKey, params, salt), key.privateKey);
  aesKey.fill(0);
  const file: KeystoreFile = {
    format: 'bkdms-keystore',
    version: 1,
    crv: key.crv,
    publicKey: toBase64Url(key.publicKey),
    keyId: toHex(keyIdOf(key.publicKey)),
    kdf: { name: 'scrypt', ...params, salt: toBase64Url(salt) },
    cipher: { name: 'aes-256-gcm', nonce: toBase64Url(nonce), ciphertext: toBase64Url(ciphertext) },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function parse(text: string): KeystoreFile {
  let f: KeystoreFile;
  try {
    f = JSON.parse(text) as KeystoreFile;
  } catch {
    throw corrupted('not JSON');
  }
  if (f?.format !== 'bkdms-keystore' || f.version !== 1) throw corrupted('not a bkdms keystore v1');
  if (f.kdf?.name !== 'scrypt' || f.cipher?.name !== 'aes-256-gcm') throw corrupted('unknown KDF or cipher');
  const strings = [f.publicKey, f.kdf.salt, f.cipher.nonce, f.cipher.ciphertext];
  if (!strings.every((s) => typeof s === 'string')) throw corrupted('missing fields');
  checkParams(f.kdf);
  return f;
}

/**
 * Decrypts keystore JSON text. CorruptedKeystore when the structure is wrong; WrongPassphrase when
 * the passphrase does not open it (AES-GCM cannot tell that from an edited field or ciphertext).
 */
export async function decryptKeystore(text: string, passphrase: string): Promise<RawOkpKey> {
  const f = parse(text);
  const publicKey = fromBase64Url(f.publicKey);
  const salt = fromBase64Url(f.kdf.salt);
  if (publicKey.length !== 32 || salt.length < 16) throw corrupted('bad public key or salt length');
  if (f.keyId !== toHex(keyIdOf(publicKey))) throw corrupted('keyId is not the key ID of publicKey');
  const params = { N: f.kdf.N, r: f.kdf.r, p: f.kdf.p };
  const aesKey = await deriveKey(passphrase, salt, params);
  const crv = f.crv === 'Ed25519' || f.crv === 'X25519' ? f.crv : null;
  if (!crv) throw corrupted('unknown curve');
  const secret = aesGcmDecrypt(
    aesKey,
    fromBase64Url(f.cipher.nonce),
    aad(crv, publicKey, params, salt),
    fromBase64Url(f.cipher.ciphertext),
  );
  aesKey.fill(0);
  if (!secret) throw new CryptoError(CryptoErrorCode.WrongPassphrase, 'wrong passphrase or altered keystore');
  if (secret.length !== 32) throw corrupted('secret key is not 32 bytes');
  try {
    // fromJwk derives the public key from the secret and refuses a mismatch.
    return fromJwk({ kty: 'OKP', crv, x: f.publicKey, d: toBase64Url(secret) });
  } catch {
    throw corrupted('public key does not match the secret');
  } finally {
    secret.fill(0);
  }
}
