// The back ends the platform store tests run on: the in-memory PGlite, and a throw-away PostgreSQL
// server (test/support/pg-server.ts; its binaries come from .ci/ensure-postgres.sh), each test
// database a fresh database of that server.
import pg from 'pg';
import { type PgServer, startPgServer } from '../../../devnet/pg-server.js';
import type { SqlDb } from '../../../platform/sql-db.js';
import { MemoryDb } from '../../../platform/sql-pglite-memory.js';
import { PostgresDb } from '../../../platform/sql-postgres.js';

export interface Backend {
  name: string;
  setUp: () => Promise<void>;
  /** A fresh, empty database (schema not yet migrated). */
  db: () => Promise<SqlDb>;
  /** Another connection to `db`'s database: another process's on a server, the same on PGlite. */
  reader: (db: SqlDb) => Promise<SqlDb>;
  tearDown: () => Promise<void>;
}

const pglite: Backend = {
  name: 'PGlite',
  setUp: () => MemoryDb.warmUp(),
  db: async () => new MemoryDb(),
  reader: async (db) => db,
  tearDown: async () => {},
};

function server(): Backend {
  let s: PgServer | undefined;
  let n = 0;
  const urls = new Map<SqlDb, string>();
  return {
    name: 'PostgreSQL server',
    setUp: async () => {
      s = await startPgServer();
    },
    db: async () => {
      if (s === undefined) throw new Error('server not started');
      const name = `store_${n++}`;
      const admin = new pg.Client({ connectionString: s.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = s.url.replace(/\/[^/]+$/, `/${name}`);
      const db = await PostgresDb.open(url);
      urls.set(db, url);
      return db;
    },
    reader: (db) => PostgresDb.open(urls.get(db) as string),
    tearDown: async () => {
      await s?.stop();
    },
  };
}

export function backends(): Backend[] {
  return [pglite, server()];
}
