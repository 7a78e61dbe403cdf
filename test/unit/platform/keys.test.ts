// The platform's keys from keystores (platform/keys.ts): the passphrase comes from the keystore's
// 0600 file or its variable (runtime/passphrase.ts), and any failure is a PlatformError BAD_KEY.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEd25519 } from '../../../crypto/ed25519.js';
import { ed25519Raw, x25519Raw } from '../../../crypto/key-formats.js';
import { writeKeystore } from '../../../crypto/keystore.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { PlatformErrorCode } from '../../../platform/errors.js';
import { loadAdminKey, loadEncryptionKeys } from '../../../platform/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-platform-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function passFile(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, 'correct horse\n', { mode });
  chmodSync(path, mode);
  return path;
}

describe('platform keys', () => {
  it('opens X25519 keystores with the passphrase file, and refuses the wrong curve as BAD_KEY', async () => {
    const scp = generateX25519();
    await writeKeystore(join(dir, 'scp.key'), x25519Raw(scp), 'correct horse');
    await writeKeystore(join(dir, 'admin.key'), ed25519Raw(generateEd25519()), 'correct horse');
    const passphraseFile = passFile('pass', 0o600);
    const [key] = await loadEncryptionKeys([
      { path: join(dir, 'scp.key'), passphraseFile, passphraseEnv: 'BKDMS_PLATFORM_PASSPHRASE' },
    ]);
    expect(Buffer.from(key!.publicKey)).toEqual(Buffer.from(scp.publicKey));
    await expect(
      loadAdminKey({ path: join(dir, 'scp.key'), passphraseFile, passphraseEnv: 'BKDMS_ADMIN_PASSPHRASE' }),
    ).rejects.toMatchObject({ code: PlatformErrorCode.BadKey });
  });

  it('a missing passphrase or a file others can read is BAD_KEY, naming what to set', async () => {
    const noEnv = loadEncryptionKeys([
      { path: join(dir, 'scp.key'), passphraseEnv: 'BKDMS_TEST_NO_SUCH_VARIABLE' },
    ]);
    await expect(noEnv).rejects.toMatchObject({ code: PlatformErrorCode.BadKey });
    await expect(noEnv).rejects.toThrow('set passphraseFile or set BKDMS_TEST_NO_SUCH_VARIABLE');
    const open = passFile('open', 0o644);
    const readable = loadEncryptionKeys([
      { path: join(dir, 'scp.key'), passphraseFile: open, passphraseEnv: 'X' },
    ]);
    await expect(readable).rejects.toMatchObject({ code: PlatformErrorCode.BadKey });
    await expect(readable).rejects.toThrow('chmod 600');
  });
});
