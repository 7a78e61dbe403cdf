// Where a keystore passphrase comes from: a file named in the config or on the command line
// (mode 0600, first line), else the BKDMS_PASSPHRASE environment variable. Never from argv itself,
// which other users of the machine can read.
import { readFileSync, statSync } from 'node:fs';

export function resolvePassphrase(file: string | undefined): string {
  if (file !== undefined) {
    const mode = statSync(file).mode & 0o077;
    if (mode !== 0) throw new Error(`passphrase file ${file} is readable by group or others; chmod 600`);
    const line = readFileSync(file, 'utf8').split('\n')[0] ?? '';
    if (line.length === 0) throw new Error(`passphrase file ${file} is empty`);
    return line;
  }
  const env = process.env.BKDMS_PASSPHRASE;
  if (env === undefined || env.length === 0)
    throw new Error('no passphrase: pass --passphrase-file or set BKDMS_PASSPHRASE');
  return env;
}
