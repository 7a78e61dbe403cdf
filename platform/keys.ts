// Loading the platform's keys from passphrase keystores (crypto/keystore: scrypt + AES-GCM, 0600):
// the X25519 encryption keys that open packets and the administrator's Ed25519 signing key. The
// passphrase comes from a 0600 file or an environment variable (runtime/passphrase.ts), never from
// the command line, and no key or passphrase is ever logged.
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { ed25519Of, x25519Of } from '../crypto/key-formats.js';
import { readKeystore } from '../crypto/keystore.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import { resolvePassphrase } from '../runtime/passphrase.js';
import type { KeystoreConfig } from './config.js';
import { PlatformError, PlatformErrorCode } from './errors.js';

function badKey(message: string): PlatformError {
  return new PlatformError(PlatformErrorCode.BadKey, message);
}

/** The passphrase of a platform keystore; BAD_KEY when there is none. */
function keystorePassphrase(k: KeystoreConfig): string {
  return resolvePassphrase(k, {
    fileHint: 'set passphraseFile',
    makeError: (_code, message) => badKey(message),
  });
}

async function open(k: KeystoreConfig, passphrase?: string) {
  try {
    return await readKeystore(k.path, passphrase ?? keystorePassphrase(k));
  } catch (err) {
    if (err instanceof PlatformError) throw err;
    throw badKey(`keystore ${k.path}: ${(err as Error).message}`);
  }
}

export async function loadEncryptionKeys(
  list: KeystoreConfig[],
  passphrase?: string,
): Promise<X25519KeyPair[]> {
  const out: X25519KeyPair[] = [];
  for (const k of list) {
    const raw = await open(k, passphrase);
    if (raw.crv !== 'X25519') throw badKey(`keystore ${k.path} must hold an X25519 key`);
    out.push(x25519Of(raw));
  }
  return out;
}

export async function loadAdminKey(k: KeystoreConfig, passphrase?: string): Promise<Ed25519KeyPair> {
  const raw = await open(k, passphrase);
  if (raw.crv !== 'Ed25519') throw badKey(`keystore ${k.path} must hold an Ed25519 key`);
  return ed25519Of(raw);
}
