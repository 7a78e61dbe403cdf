// The one passphrase resolver (runtime/passphrase.ts): a 0600 file's first line wins, else the
// named environment variable (BKDMS_PASSPHRASE by default); every refusal is typed and says why.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeError, RuntimeErrorCode } from '../../../runtime/errors.js';
import { keystoreRefSchema, PassphraseEnv, resolvePassphrase } from '../../../runtime/passphrase.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-passphrase-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

function refusal(f: () => unknown): RuntimeError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(RuntimeError);
    return err as RuntimeError;
  }
  throw new Error('a passphrase was resolved');
}

describe('resolvePassphrase', () => {
  it('reads the first line of a 0600 file, before any environment variable', () => {
    const path = file('pass', 'open sesame\nignored\n');
    const env = { BKDMS_PASSPHRASE: 'from env' };
    expect(resolvePassphrase({ passphraseFile: path }, { env })).toBe('open sesame');
  });

  it('refuses a file others can read, an empty one and a missing one', () => {
    const open = refusal(() => resolvePassphrase({ passphraseFile: file('open', 'x\n', 0o644) }));
    expect(open.code).toBe(RuntimeErrorCode.BadPassphraseFile);
    expect(open.message).toContain('readable by group or others; chmod 600');
    const empty = refusal(() => resolvePassphrase({ passphraseFile: file('empty', '\nsecond\n') }));
    expect(empty.code).toBe(RuntimeErrorCode.BadPassphraseFile);
    expect(empty.message).toContain('is empty');
    const missing = refusal(() => resolvePassphrase({ passphraseFile: join(dir, 'none') }));
    expect(missing.code).toBe(RuntimeErrorCode.BadPassphraseFile);
    expect(missing.message).toMatch(/cannot read passphrase file .*none/);
  });

  it('reads the named variable, BKDMS_PASSPHRASE when none is named', () => {
    const env = { BKDMS_PASSPHRASE: 'default', BKDMS_PLATFORM_PASSPHRASE: 'platform' };
    expect(resolvePassphrase({}, { env })).toBe('default');
    expect(resolvePassphrase({ passphraseEnv: PassphraseEnv.Platform }, { env })).toBe('platform');
  });

  it('without a file or a non-empty variable, says both ways to give one', () => {
    for (const env of [{}, { BKDMS_ADMIN_PASSPHRASE: '' }]) {
      const err = refusal(() =>
        resolvePassphrase(
          { passphraseEnv: PassphraseEnv.Admin },
          { env, fileHint: 'pass --passphrase-file' },
        ),
      );
      expect(err.code).toBe(RuntimeErrorCode.NoPassphrase);
      expect(err.detail).toBe('no passphrase: pass --passphrase-file or set BKDMS_ADMIN_PASSPHRASE');
    }
  });

  it("throws the caller's typed error when it gives one", () => {
    class DomainError extends Error {}
    const makeError = (code: RuntimeErrorCode, message: string) => new DomainError(`${code} ${message}`);
    expect(() =>
      resolvePassphrase({ passphraseEnv: 'BKDMS_TEST_NO_SUCH_VARIABLE' }, { env: {}, makeError }),
    ).toThrow(DomainError);
    expect(() => resolvePassphrase({ passphraseFile: file('o2', 'x', 0o640) }, { makeError })).toThrow(
      /BAD_PASSPHRASE_FILE .*chmod 600/,
    );
  });
});

describe('keystoreRefSchema', () => {
  it('fills the default variable, keeps a file, refuses unknown fields', () => {
    const schema = keystoreRefSchema(PassphraseEnv.Platform);
    expect(schema.parse({ path: 'k' })).toEqual({ path: 'k', passphraseEnv: 'BKDMS_PLATFORM_PASSPHRASE' });
    expect(schema.parse({ path: 'k', passphraseFile: 'p' })).toMatchObject({ passphraseFile: 'p' });
    expect(schema.safeParse({ path: 'k', passphrase: 'inline' }).success).toBe(false);
  });
});
