// The throw-away PostgreSQL server of test/support/pg-server.ts: it starts, answers a query, goes
// down and comes back on the same port, stop() frees its port and removes its folder, and a test
// process killed outright does not leave its server behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_START_TIMEOUT_MS, type PgServer, startPgServer } from '../../devnet/pg-server.js';

/** Whether 127.0.0.1:port can be bound now (nothing listens there). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Polls until `done()` holds, bounded: a cleanup that never happens fails instead of hanging. */
async function eventually(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return done();
}

async function selectOne(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const r = await c.query<{ one: number }>('select 1 as one');
    return r.rows[0]!.one;
  } finally {
    await c.end();
  }
}

describe('throw-away PostgreSQL server', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer();
  }, PG_START_TIMEOUT_MS);
  afterAll(() => server?.stop(), PG_START_TIMEOUT_MS);

  it('answers select 1 on 127.0.0.1 with the password in its URL', async () => {
    const u = new URL(server.url);
    expect(u.hostname).toBe('127.0.0.1');
    expect(u.pathname).toBe('/bkdms_test');
    expect(await selectOne(server.url)).toBe(1);
    u.password = 'wrong';
    await expect(selectOne(u.toString())).rejects.toThrow(/password/);
  });

  it(
    'goes down and comes back on the same port',
    async () => {
      await server.takeDown();
      await expect(selectOne(server.url)).rejects.toThrow();
      await server.bringUp();
      expect(await selectOne(server.url)).toBe(1);
    },
    PG_START_TIMEOUT_MS,
  );

  it(
    'stop() frees the port and removes the folder',
    async () => {
      const other = await startPgServer();
      expect(await portFree(other.port)).toBe(false);
      expect(existsSync(other.dir)).toBe(true);
      await other.stop();
      expect(existsSync(other.dir)).toBe(false);
      expect(await portFree(other.port)).toBe(true);
      await expect(selectOne(other.url)).rejects.toThrow();
      await other.stop(); // idempotent
    },
    PG_START_TIMEOUT_MS,
  );

  it(
    'a test process killed outright leaves no server and no folder behind',
    async () => {
      // vite-node (vitest's runner) runs the TypeScript child directly.
      const viteNode = fileURLToPath(new URL('../../node_modules/vite-node/vite-node.mjs', import.meta.url));
      const script = fileURLToPath(new URL('../support/pg-server-child.ts', import.meta.url));
      const child = spawn(process.execPath, [viteNode, script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const started = await new Promise<{ port: number; dir: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
        });
        child.on('exit', (code) => reject(new Error(`child exited (${code}) before its server started`)));
      });
      expect(await portFree(started.port)).toBe(false);
      expect(existsSync(started.dir)).toBe(true);
      child.kill('SIGKILL');
      expect(
        await eventually(async () => (await portFree(started.port)) && !existsSync(started.dir), 30_000),
      ).toBe(true);
    },
    PG_START_TIMEOUT_MS,
  );
});
