import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519 } from '../../../crypto/ed25519.js';
import { CryptoErrorCode } from '../../../crypto/errors.js';
import { ed25519Raw, x25519Raw } from '../../../crypto/key-formats.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { keystoreExists, readKeystore, writeKeystore } from '../../../crypto/keystore.js';
import { decryptKeystore, encryptKeystore, type KeystoreFile } from '../../../crypto/keystore-format.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { asyncErrorCodeOf, toHexString } from './helpers.js';

// Small scrypt cost keeps the suite fast; the format records the parameters used.
const FAST = { N: 2 ** 10, r: 8, p: 1 };
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bkdms-keystore-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keystore files', () => {
  it('round trips Ed25519 and X25519 keys, writes mode 0600 and leaves no temp files', async () => {
    const ed = ed25519Raw(generateEd25519());
    const x = x25519Raw(generateX25519());
    const edPath = join(dir, 'site.key');
    const xPath = join(dir, 'scp.key');
    await writeKeystore(edPath, ed, 'correct horse', FAST);
    await writeKeystore(xPath, x, 'battery staple', FAST);
    expect((await stat(edPath)).mode & 0o777).toBe(0o600);
    const back = await readKeystore(edPath, 'correct horse');
    expect(back.crv).toBe('Ed25519');
    expect(toHexString(back.privateKey!)).toBe(toHexString(ed.privateKey!));
    expect(toHexString((await readKeystore(xPath, 'battery staple')).privateKey!)).toBe(
      toHexString(x.privateKey!),
    );
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await keystoreExists(edPath)).toBe(true);
    expect(await keystoreExists(join(dir, 'nope'))).toBe(false);
    // The file never contains the secret in any plain encoding.
    const text = await readFile(edPath, 'utf8');
    expect(text).not.toContain(Buffer.from(ed.privateKey!).toString('base64url'));
    expect(text).not.toContain(toHexString(ed.privateKey!));
  });

  it('overwrites an existing keystore atomically', async () => {
    const path = join(dir, 'rotate.key');
    await writeKeystore(path, ed25519Raw(generateEd25519()), 'pw', FAST);
    const next = ed25519Raw(generateEd25519());
    await writeKeystore(path, next, 'pw', FAST);
    expect(toHexString((await readKeystore(path, 'pw')).publicKey)).toBe(toHexString(next.publicKey));
  });

  it('a wrong passphrase is WRONG_PASSPHRASE', async () => {
    const path = join(dir, 'wrong.key');
    await writeKeystore(path, ed25519Raw(generateEd25519()), 'right', FAST);
    expect(await asyncErrorCodeOf(readKeystore(path, 'wrong'))).toBe(CryptoErrorCode.WrongPassphrase);
    expect(await asyncErrorCodeOf(readKeystore(path, ''))).toBe(CryptoErrorCode.InvalidInput);
  });

  it('any edited field fails: bound fields as WRONG_PASSPHRASE, structure as CORRUPTED_KEYSTORE', async () => {
    const text = await encryptKeystore(ed25519Raw(generateEd25519()), 'pw', FAST);
    const f = JSON.parse(text) as KeystoreFile;
    const other = ed25519Raw(generateEd25519());
    const flip = (s: string) => (s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`);
    const bound: KeystoreFile[] = [
      {
        ...f,
        publicKey: Buffer.from(other.publicKey).toString('base64url'),
        keyId: toHexString(keyIdOf(other.publicKey)),
      },
      { ...f, kdf: { ...f.kdf, salt: flip(f.kdf.salt) } },
      { ...f, kdf: { ...f.kdf, N: 2 ** 11 } },
      { ...f, cipher: { ...f.cipher, nonce: flip(f.cipher.nonce) } },
      { ...f, cipher: { ...f.cipher, ciphertext: flip(f.cipher.ciphertext) } },
      { ...f, crv: 'X25519' },
    ];
    for (const b of bound)
      expect(await asyncErrorCodeOf(decryptKeystore(JSON.stringify(b), 'pw'))).toBe('WRONG_PASSPHRASE');
    const broken = [
      'not json',
      JSON.stringify({ ...f, version: 2 }),
      JSON.stringify({ ...f, kdf: { ...f.kdf, N: 2 ** 30 } }),
      JSON.stringify({ ...f, kdf: { ...f.kdf, N: 1000 } }),
      JSON.stringify({ ...f, cipher: { ...f.cipher, name: 'none' } }),
      JSON.stringify({ ...f, crv: 'P-256' }),
      JSON.stringify({ ...f, publicKey: 'AAAA' }),
      JSON.stringify({ ...f, keyId: '00'.repeat(16) }),
      'null',
    ];
    for (const b of broken)
      expect(await asyncErrorCodeOf(decryptKeystore(b, 'pw'))).toBe(CryptoErrorCode.CorruptedKeystore);
    expect(await asyncErrorCodeOf(decryptKeystore(text, 'pw'))).toBeUndefined();
  });

  it('refuses group-readable and oversized files', async () => {
    const path = join(dir, 'open.key');
    await writeKeystore(path, ed25519Raw(generateEd25519()), 'pw', FAST);
    await chmod(path, 0o644);
    expect(await asyncErrorCodeOf(readKeystore(path, 'pw'))).toBe(CryptoErrorCode.InsecureFile);
    const big = join(dir, 'big.key');
    await writeFile(big, 'x'.repeat(100_000), { mode: 0o600 });
    expect(await asyncErrorCodeOf(readKeystore(big, 'pw'))).toBe(CryptoErrorCode.CorruptedKeystore);
  });

  it('refuses to store a public-only key', async () => {
    const pub = { crv: 'Ed25519' as const, publicKey: generateEd25519().publicKey };
    expect(await asyncErrorCodeOf(encryptKeystore(pub, 'pw', FAST))).toBe(CryptoErrorCode.InvalidInput);
  });
});
