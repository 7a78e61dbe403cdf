// Backup and restore of a platform on a PostgreSQL server (store.url) with the server's own tools:
// `pg_dump --format=custom` (consistent while the platform runs: pg_dump reads one transaction
// snapshot) and `pg_restore --clean --if-exists --single-transaction` into a database the platform
// is not using. The password of the URL goes to the tool in PGPASSWORD, never on its command line
// (where `ps` would show it). The embedded (PGlite) store is backed up as a folder (backup.ts).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformError, PlatformErrorCode } from './errors.js';

export type PgTool = 'pg_dump' | 'pg_restore';

/**
 * Where `tool` is: $BKDMS_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's
 * packages, what .ci/ensure-postgres.sh installs), else the PATH; a clear error when nowhere.
 */
export function pgToolPath(
  tool: PgTool,
  env: NodeJS.ProcessEnv = process.env,
  root = '/usr/lib/postgresql',
): string {
  const dirs: string[] = [];
  if (env.BKDMS_PG_BIN) dirs.push(env.BKDMS_PG_BIN);
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  for (const v of versions.sort((a, b) => Number(b) - Number(a))) dirs.push(join(root, v, 'bin'));
  for (const d of (env.PATH ?? '').split(':')) if (d !== '') dirs.push(d);
  for (const d of dirs) if (existsSync(join(d, tool))) return join(d, tool);
  throw new PlatformError(
    PlatformErrorCode.BadConfig,
    `${tool} not found (looked in $BKDMS_PG_BIN, ${root}/*/bin and the PATH): install the PostgreSQL client tools (Debian: apt-get install postgresql-client), or set BKDMS_PG_BIN`,
  );
}

/** The URL without its password, and the password (for PGPASSWORD). */
export function splitPassword(url: string): { url: string; password: string | undefined } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PlatformError(PlatformErrorCode.BadConfig, 'store.url is not a URL');
  }
  if (u.password === '') return { url, password: undefined };
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

export function pgDumpArgs(url: string, file: string): string[] {
  return ['--format=custom', '--no-owner', '--file', file, '--dbname', url];
}

export function pgRestoreArgs(url: string, file: string): string[] {
  return [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--single-transaction',
    '--exit-on-error',
    '--dbname',
    url,
    file,
  ];
}

/** Runs a tool with the URL's password in its environment; rejects with its last stderr lines. */
async function runTool(
  tool: PgTool,
  path: string,
  args: string[],
  password: string | undefined,
): Promise<void> {
  const env = { ...process.env, ...(password === undefined ? {} : { PGPASSWORD: password }) };
  const child = spawn(path, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    // Bounded: the last 4 KiB is what explains a failure.
    err = (err + d.toString('utf8')).slice(-4096);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0)
    throw new PlatformError(
      PlatformErrorCode.Store,
      `${tool} failed (exit ${code}): ${err.trim() || 'no message'}`,
    );
}

/** Dumps the server database to `out` (must not exist): a temporary file, mode 0600, renamed when complete. */
export async function dumpPlatformDatabase(storeUrl: string, out: string): Promise<void> {
  if (existsSync(out))
    throw new PlatformError(PlatformErrorCode.BadConfig, `${out} exists: refusing to overwrite`);
  const tool = pgToolPath('pg_dump');
  const { url, password } = splitPassword(storeUrl);
  const tmp = `${out}.tmp-${process.pid}`;
  // Created 0600 first: pg_dump then writes into it, keeping the mode (the dump holds every record).
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    await runTool('pg_dump', tool, pgDumpArgs(url, tmp), password);
    renameSync(tmp, out);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}

/** Restores a dump into the server database (its platform tables replaced, in one transaction). */
export async function restorePlatformDatabase(storeUrl: string, file: string): Promise<void> {
  if (!existsSync(file)) throw new PlatformError(PlatformErrorCode.BadConfig, `${file} does not exist`);
  const tool = pgToolPath('pg_restore');
  const { url, password } = splitPassword(storeUrl);
  await runTool('pg_restore', tool, pgRestoreArgs(url, file), password);
}
