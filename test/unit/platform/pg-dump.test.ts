// The PostgreSQL server backup's tool look-up and arguments (platform/pg-dump.ts): the password
// kept off the command line, a missing tool named with how to install it. The dump and restore
// against a real server are in run-server.test.ts (one throw-away server for both).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgDumpArgs, pgRestoreArgs, pgToolPath, splitPassword } from '../../../platform/pg-dump.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-pgdump-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pg_dump and pg_restore arguments', () => {
  it('passes the password in the environment, not on the command line', () => {
    const s = splitPassword('postgres://scp:s%40cret@db.example:5432/platform');
    expect(s).toEqual({ url: 'postgres://scp@db.example:5432/platform', password: 's@cret' });
    expect(pgDumpArgs(s.url, 'f')).toEqual([
      '--format=custom',
      '--no-owner',
      '--file',
      'f',
      '--dbname',
      s.url,
    ]);
    expect(pgRestoreArgs(s.url, 'f').join(' ')).not.toContain('cret');
    expect(splitPassword('postgres://scp@h/db')).toEqual({ url: 'postgres://scp@h/db', password: undefined });
  });

  it('names the missing tool and how to install it', () => {
    expect(() => pgToolPath('pg_dump', { PATH: '' }, join(dir, 'none'))).toThrow(
      /pg_dump not found .*postgresql-client/,
    );
    // Found where BKDMS_PG_BIN says, before anywhere else.
    const bin = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(bin, 'pg_restore'), '');
    expect(pgToolPath('pg_restore', { BKDMS_PG_BIN: bin, PATH: '' })).toBe(join(bin, 'pg_restore'));
  });
});
