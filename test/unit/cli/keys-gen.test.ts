// `bkdms keys gen`: writes a passphrase-encrypted keystore, mode 0600, that reads back with the
// passphrase from BKDMS_PASSPHRASE or --passphrase-file, and prints only public data.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../../crypto/bytes.js';
import { CryptoErrorCode } from '../../../crypto/errors.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { readKeystore } from '../../../crypto/keystore.js';
import { runCli } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-keys-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Each test says where its passphrase comes from; none inherits one from the shell.
beforeEach(() => {
  delete process.env.BKDMS_PASSPHRASE;
});

interface Printed {
  file: string;
  type: string;
  publicKey: string;
  keyId: string;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('keys gen', () => {
  it('writes a 0600 Ed25519 keystore that opens with the BKDMS_PASSPHRASE passphrase', async () => {
    process.env.BKDMS_PASSPHRASE = 'correct horse battery';
    const out = join(dir, 'node.key');
    const printed = JSON.parse(await runCli(['keys', 'gen', '--out', out])) as Printed;
    expect(mode(out)).toBe(0o600);
    const key = await readKeystore(out, 'correct horse battery');
    expect(key.crv).toBe('Ed25519');
    expect(printed).toEqual({
      file: out,
      type: 'ed25519',
      publicKey: toHex(key.publicKey),
      keyId: toHex(keyIdOf(key.publicKey)),
    });
    // Public data only: neither the private key nor the passphrase appears on stdout.
    expect(JSON.stringify(printed)).not.toContain(toHex(key.privateKey!));
    await expect(readKeystore(out, 'wrong')).rejects.toMatchObject({ code: CryptoErrorCode.WrongPassphrase });
  });

  it('writes an X25519 keystore with the first line of a 0600 --passphrase-file', async () => {
    const pass = join(dir, 'pass');
    writeFileSync(pass, 'from the file\nignored second line\n', { mode: 0o600 });
    const out = join(dir, 'scp.key');
    const printed = JSON.parse(
      await runCli(['keys', 'gen', '--type', 'x25519', '--out', out, '--passphrase-file', pass]),
    ) as Printed;
    expect(mode(out)).toBe(0o600);
    const key = await readKeystore(out, 'from the file');
    expect(key.crv).toBe('X25519');
    expect(printed.publicKey).toBe(toHex(key.publicKey));
  });

  it('refuses to overwrite an existing key', async () => {
    process.env.BKDMS_PASSPHRASE = 'p';
    const out = join(dir, 'once.key');
    await runCli(['keys', 'gen', '--out', out]);
    const before = readFileSync(out, 'utf8');
    await expect(runCli(['keys', 'gen', '--out', out])).rejects.toThrow(/exists; refusing to overwrite/);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('refuses without a passphrase, with a world-readable or empty passphrase file, or a bad type', async () => {
    const out = join(dir, 'never.key');
    await expect(runCli(['keys', 'gen', '--out', out])).rejects.toThrow(
      'no passphrase: pass --passphrase-file or set BKDMS_PASSPHRASE',
    );
    const open = join(dir, 'open-pass');
    writeFileSync(open, 'secret\n', { mode: 0o644 });
    await expect(runCli(['keys', 'gen', '--out', out, '--passphrase-file', open])).rejects.toThrow(
      /readable by group or others; chmod 600/,
    );
    const empty = join(dir, 'empty-pass');
    writeFileSync(empty, '\n', { mode: 0o600 });
    await expect(runCli(['keys', 'gen', '--out', out, '--passphrase-file', empty])).rejects.toThrow(
      /is empty/,
    );
    process.env.BKDMS_PASSPHRASE = 'p';
    await expect(runCli(['keys', 'gen', '--out', out, '--type', 'rsa'])).rejects.toThrow(
      '--type must be ed25519 or x25519, not rsa',
    );
    expect(() => statSync(out)).toThrow();
  });
});
