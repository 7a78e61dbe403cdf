// The platform on a PostgreSQL server (store.url): `platform run` follows while another process's
// handle (here a second handle with its own pool, as `bkdms platform trace` opens one) reads the
// same database, and a restart resumes from the server's cursor. Its backup (platform/pg-dump.ts):
// pg_dump while the platform follows, the dump (mode 0600) restored into another database, where
// a platform opens with its records traced and audited; a file that is not a dump fails clearly.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { PG_START_TIMEOUT_MS, type PgServer, startPgServer } from '../../../devnet/pg-server.js';
import { parsePlatformConfig } from '../../../platform/config.js';
import { hex } from '../../../platform/hex.js';
import { dumpPlatformDatabase, restorePlatformDatabase } from '../../../platform/pg-dump.js';
import { openPlatform, runPlatform } from '../../../platform/run.js';
import {
  entry,
  FakeChain,
  genesis,
  HOUR,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
} from './fixture.js';

let server: PgServer;
let dir: string;
beforeAll(async () => {
  server = await startPgServer();
  dir = mkdtempSync(join(tmpdir(), 'bkdms-pgdump-'));
}, PG_START_TIMEOUT_MS);
afterAll(async () => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
}, PG_START_TIMEOUT_MS);

/** A new empty database on the server; its URL. */
async function createDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/[^/]+$/, `/${name}`);
}

const configOf = (url: string) =>
  parsePlatformConfig({
    dataDir: '/nonexistent/unused-with-store-url',
    store: { url },
    genesis: 'genesis.json',
    chain: { endpoints: ['127.0.0.1:1'], insecure: true },
    encryptionKeys: [{ path: 'scp.key' }],
    retry: { baseMs: 5, maxMs: 20 },
  });

function chainOf(n: number): FakeChain {
  const chain = new FakeChain();
  for (let h = 1; h <= n; h++)
    chain.append([
      upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, 5 + h)])),
      upload(siteB, h, record(siteB, T0 + h * HOUR, [entry(UNEMPLOYMENT, 7)])),
    ]);
  return chain;
}

describe('platform on a PostgreSQL server', () => {
  it('serves readers from another handle while following, and resumes after a restart', async () => {
    const config = parsePlatformConfig({
      dataDir: '/nonexistent/unused-with-store-url',
      store: { url: server.url },
      genesis: 'genesis.json',
      chain: { endpoints: ['127.0.0.1:1'], insecure: true },
      encryptionKeys: [{ path: 'scp.key' }],
      retry: { baseMs: 5, maxMs: 20 },
    });
    const chain = chainOf(2);
    const deps = { genesis, sources: [chain], scpKeys: [scpKey] };
    const follower = await runPlatform(config, deps);
    await follower.waitForHeight(2);
    const reader = await openPlatform(config, deps);
    const tc = hex(tracingCode(chain.built[1]!.envelopes[0]!));
    expect((await reader.trace(tc)).verified).toBe(true);
    expect((await reader.audit()).ok).toBe(true);
    // The follower goes on while the reader is open; the reader sees the new block once written.
    chain.append([upload(siteA, 3, record(siteA, T0 + 3 * HOUR, [entry(UNEMPLOYMENT, 9)]))]);
    await follower.waitForHeight(3);
    const heights: number[] = [];
    for await (const p of reader.packets()) heights.push(p.meta.height);
    expect(heights).toEqual([1, 1, 2, 2, 3]);
    await reader.stop();
    await follower.stop();
    chain.append([upload(siteB, 4, record(siteB, T0 + 4 * HOUR, [entry(UNEMPLOYMENT, 8)]))]);
    const again = await runPlatform(config, deps);
    expect(again.counters.height).toBe(3);
    await again.waitForHeight(4);
    await again.stop();
  });

  it('refuses a store URL that is not postgres://', () => {
    expect(() =>
      parsePlatformConfig({
        dataDir: 'db',
        store: { url: 'mysql://x@y/z' },
        genesis: 'g.json',
        chain: { endpoints: ['127.0.0.1:1'] },
        encryptionKeys: [{ path: 'k' }],
      }),
    ).toThrow(/store\.url/);
  });
});

describe('platform backup on a PostgreSQL server (pg_dump, pg_restore)', () => {
  it('dumps while the platform follows and restores into another database that a platform opens', async () => {
    const chain = new FakeChain();
    for (let h = 1; h <= 3; h++)
      chain.append([upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, 5 + h)]))]);
    const deps = { genesis, sources: [chain], scpKeys: [scpKey] };
    // Databases of their own: the first test's platform wrote another chain into the default one.
    const live = await createDatabase('live');
    const follower = await runPlatform(configOf(live), deps);
    await follower.waitForHeight(3);
    const dump = join(dir, 'platform.dump');
    try {
      await dumpPlatformDatabase(live, dump);
    } finally {
      await follower.stop();
    }
    expect(statSync(dump).mode & 0o777).toBe(0o600);
    await expect(dumpPlatformDatabase(live, dump)).rejects.toThrow(/exists: refusing/);
    const target = await createDatabase('restored');
    await restorePlatformDatabase(target, dump);
    const reader = await openPlatform(configOf(target), deps);
    try {
      const tc = hex(tracingCode(chain.built[2]!.envelopes[0]!));
      expect((await reader.trace(tc)).verified).toBe(true);
      expect((await reader.audit()).ok).toBe(true);
      const heights: number[] = [];
      for await (const p of reader.packets()) heights.push(p.meta.height);
      expect(heights).toEqual([1, 2, 3]);
    } finally {
      await reader.stop();
    }
  });

  it('fails restore with the tool message on a file that is not a dump', async () => {
    const bad = join(dir, 'not-a-dump');
    writeFileSync(bad, 'hello');
    await expect(restorePlatformDatabase(server.url, bad)).rejects.toThrow(/pg_restore failed \(exit 1\)/);
  });
});
