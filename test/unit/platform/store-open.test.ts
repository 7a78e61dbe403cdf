// Opening the platform database from the config: the embedded PGlite folder (one process at a
// time, reopened where it was), and a folder an earlier version wrote with classic-level.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlatformErrorCode } from '../../../platform/errors.js';
import { openStore } from '../../../platform/sql-open.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'bkdms-store-'));

describe('openStore', () => {
  it('refuses a classic-level folder of an earlier version, naming the command that re-extracts', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'CURRENT'), 'MANIFEST-000004\n');
    writeFileSync(join(dir, 'LOCK'), '');
    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: PlatformErrorCode.Store });
    expect((err as Error).message).toMatch(/classic-level.*bkdms platform run/);
  });

  // Each start of an on-disk PGlite takes seconds, tens of them on a loaded machine.
  it('locks the PGlite folder to one process and reopens it where it was', { timeout: 240_000 }, async () => {
    const dir = join(tmp(), 'db');
    const first = await openStore({ dataDir: dir });
    await first.db.query("INSERT INTO contract_state (key, value) VALUES ('k', '\\x01')");
    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: PlatformErrorCode.Store });
    expect((err as Error).message).toMatch(new RegExp(`in use by process ${process.pid}`));
    await first.close();
    // A lock left by a process that no longer runs (killed) is taken over.
    writeFileSync(join(dir, 'lock'), '999999999');
    const second = await openStore({ dataDir: dir });
    expect(await second.stateEntries()).toEqual([['k', Uint8Array.from([1])]]);
    await second.close();
  });

  it('reports a server it cannot reach as STORE, without echoing the URL', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'x'));
    const url = 'postgres://user:secret-password@127.0.0.1:1/db';
    const err = await openStore({ dataDir: dir, store: { url } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: PlatformErrorCode.Store });
    expect((err as Error).message).not.toContain('secret-password');
  });
});
