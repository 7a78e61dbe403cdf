// Keystore files: the one module of crypto/ that touches the disk. A file holds one private key
// encrypted under a passphrase (format in keystore-format.ts). Writes are atomic (temp file in the
// same directory, fsync, rename, fsync of the directory) with mode 0600 from the moment the temp
// file exists, so a crash never leaves a half-written or world-readable key.
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { generateEd25519 } from './ed25519.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { ed25519Raw, type RawOkpKey, x25519Raw } from './key-formats.js';
import { decryptKeystore, encryptKeystore, type ScryptParams } from './keystore-format.js';
import { generateX25519 } from './x25519.js';

/** Keystore files are a few hundred bytes; anything far larger is not one (checked before reading). */
const MAX_KEYSTORE_BYTES = 16 * 1024;

/** Writes `text` to `path` atomically with mode 0600. */
export async function writeFileAtomic0600(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  // Make the rename itself durable.
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Encrypts a private key under `passphrase` and writes it atomically, mode 0600. */
export async function writeKeystore(
  path: string,
  key: RawOkpKey,
  passphrase: string,
  params?: ScryptParams,
): Promise<void> {
  await writeFileAtomic0600(path, await encryptKeystore(key, passphrase, params));
}

/**
 * Reads and decrypts a keystore. Refuses files readable by group or others (InsecureFile), larger
 * than any keystore (CorruptedKeystore), malformed (CorruptedKeystore), or that the passphrase
 * does not open (WrongPassphrase).
 */
export async function readKeystore(path: string, passphrase: string): Promise<RawOkpKey> {
  const fh = await open(path, 'r');
  let text: string;
  try {
    const st = await fh.stat();
    if ((st.mode & 0o077) !== 0)
      throw new CryptoError(
        CryptoErrorCode.InsecureFile,
        'keystore is readable by group or others; chmod 600',
        {
          mode: (st.mode & 0o777).toString(8),
        },
      );
    if (st.size > MAX_KEYSTORE_BYTES)
      throw new CryptoError(CryptoErrorCode.CorruptedKeystore, 'file too large to be a keystore', {
        size: st.size,
      });
    text = await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
  return decryptKeystore(text, passphrase);
}

/** True when a keystore file exists at `path`. */
export async function keystoreExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A new key pair of either curve, in the raw form a keystore holds. */
export function newKey(type: 'ed25519' | 'x25519'): RawOkpKey {
  return type === 'ed25519' ? ed25519Raw(generateEd25519()) : x25519Raw(generateX25519());
}

/** Writes a new keystore and returns its public key; refuses to overwrite. */
export async function generateKeystore(
  path: string,
  type: 'ed25519' | 'x25519',
  passphrase: string,
): Promise<RawOkpKey> {
  if (await keystoreExists(path)) throw new Error(`${path} exists; refusing to overwrite a key`);
  const key = newKey(type);
  await writeKeystore(path, key, passphrase);
  return key;
}
