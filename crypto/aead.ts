// AES-256-GCM and HKDF-SHA256 through node:crypto (OpenSSL, AES-NI). Ciphertexts carry their
// 16-byte tag at the end. Decryption failures are results (null), not exceptions: a tampered
// packet is an expected input.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { expectLength } from './errors.js';

export const AES_KEY_LENGTH = 32;
export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

/** Returns ciphertext || tag. */
export function aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
  expectLength('AES-256 key', key, AES_KEY_LENGTH);
  expectLength('GCM nonce', nonce, GCM_NONCE_LENGTH);
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  c.setAAD(aad);
  const head = c.update(plaintext);
  const tail = c.final();
  const tag = c.getAuthTag();
  const out = new Uint8Array(head.length + tail.length + GCM_TAG_LENGTH);
  out.set(head, 0);
  out.set(tail, head.length);
  out.set(tag, head.length + tail.length);
  return out;
}

/** Returns the plaintext, or null when the tag does not verify (wrong key, nonce, AAD or bytes). */
export function aesGcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | null {
  expectLength('AES-256 key', key, AES_KEY_LENGTH);
  if (nonce.length !== GCM_NONCE_LENGTH || sealed.length < GCM_TAG_LENGTH) return null;
  const cut = sealed.length - GCM_TAG_LENGTH;
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(cut));
  try {
    const head = d.update(sealed.subarray(0, cut));
    const tail = d.final();
    if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
    return new Uint8Array(Buffer.concat([head, tail]));
  } catch {
    return null;
  }
}

/** HKDF-SHA256 (RFC 5869), extract and expand. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}
