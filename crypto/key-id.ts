// Key IDs: the 16-byte name every structure uses to refer to a public key (site Ed25519 keys,
// admin keys, SCP X25519 keys). Domain-separated so a key ID is never mistaken for another hash.
import type { KeyId } from '../codec/types.js';
import { label } from './bytes.js';
import { KEY_ID } from './domains.js';
import { sha256Parts } from './hash.js';

export const KEY_ID_LENGTH = 16;

const domain = label(KEY_ID);

/** keyId = first 16 bytes of SHA-256("BKDMS/v1/key-id\0" || publicKey). */
export function keyIdOf(publicKey: Uint8Array): KeyId {
  return sha256Parts([domain, publicKey]).slice(0, KEY_ID_LENGTH);
}
