// Where a keystore's passphrase comes from, for every program: a file (mode 0600, its first line)
// when one is named, else an environment variable. Never from argv, which other users of the
// machine can read, and never logged. The variables and their defaults are listed once, in
// docs/operations.md ("Environment variables").
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { RuntimeError, RuntimeErrorCode } from './errors.js';

/** The environment variables a passphrase is read from by default, per kind of keystore. */
export const PassphraseEnv = {
  /** Validator, site and `keys gen` keystores. */
  Default: 'BKDMS_PASSPHRASE',
  /** The platform's X25519 encryption keystores. */
  Platform: 'BKDMS_PLATFORM_PASSPHRASE',
  /** The platform administrator's Ed25519 keystore. */
  Admin: 'BKDMS_ADMIN_PASSPHRASE',
} as const;

/** A keystore and where its passphrase comes from. */
export interface KeystoreRef {
  path: string;
  /** A 0600 file whose first line is the passphrase; wins over the environment variable. */
  passphraseFile?: string;
  /** The environment variable holding the passphrase; PassphraseEnv.Default when absent. */
  passphraseEnv?: string;
}

/** The config-file form of a KeystoreRef (site and platform configs), with its default variable. */
export function keystoreRefSchema(defaultEnv: string) {
  return z
    .object({
      path: z.string().min(1),
      /** File (mode 0600) whose first line is the passphrase; else the environment variable. */
      passphraseFile: z.string().optional(),
      /** Environment variable holding the passphrase (never the command line). */
      passphraseEnv: z.string().default(defaultEnv),
    })
    .strict();
}

export interface PassphraseOptions {
  /** How the user names a passphrase file, for the message when there is none ("pass --passphrase-file"). */
  fileHint?: string;
  /** The caller's typed error (a domain's BAD_CONFIG or BAD_KEY); a RuntimeError when absent. */
  makeError?: (code: RuntimeErrorCode, message: string) => Error;
  /** The environment to read; process.env when absent (tests). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The passphrase of `ref`: its file's first line, else its environment variable. */
export function resolvePassphrase(
  ref: Pick<KeystoreRef, 'passphraseFile' | 'passphraseEnv'>,
  opts: PassphraseOptions = {},
): string {
  const fail = (code: RuntimeErrorCode, message: string): Error =>
    opts.makeError?.(code, message) ?? new RuntimeError(code, message);
  const file = ref.passphraseFile;
  if (file !== undefined) {
    let mode: number;
    let text: string;
    try {
      mode = statSync(file).mode;
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw fail(
        RuntimeErrorCode.BadPassphraseFile,
        `cannot read passphrase file ${file}: ${(err as Error).message}`,
      );
    }
    if ((mode & 0o077) !== 0)
      throw fail(
        RuntimeErrorCode.BadPassphraseFile,
        `passphrase file ${file} is readable by group or others; chmod 600`,
      );
    const first = text.split('\n')[0] ?? '';
    if (first === '') throw fail(RuntimeErrorCode.BadPassphraseFile, `passphrase file ${file} is empty`);
    return first;
  }
  const name = ref.passphraseEnv ?? PassphraseEnv.Default;
  const value = (opts.env ?? process.env)[name];
  if (value === undefined || value === '')
    throw fail(
      RuntimeErrorCode.NoPassphrase,
      `no passphrase: ${opts.fileHint ?? 'name a passphrase file'} or set ${name}`,
    );
  return value;
}
