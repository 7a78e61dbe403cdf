// The embedded back end: PostgreSQL compiled to WebAssembly (PGlite) running in this process, its
// cluster in <dataDir>/pgdata, guarded by <dataDir>/lock (dir-lock.ts). No server to set up, but
// one process at a time: other readers go through the running platform (docs/platform.md).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDir } from './dir-lock.js';
import type { SqlDb, SqlRow, SqlRunner } from './sql-db.js';

type Queryable = Pick<PGlite, 'query'>;

function runner(q: Queryable): SqlRunner {
  return {
    async query<R extends SqlRow>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await q.query<R>(text, [...params])).rows;
    },
  };
}

export class PgliteDb implements SqlDb {
  readonly kind = 'pglite';
  private readonly run: SqlRunner;

  private constructor(
    private readonly pg: PGlite,
    private readonly release: () => void,
  ) {
    this.run = runner(pg);
  }

  /** The database in `dir` (created when absent), locked to this process until closed. */
  static async open(dir: string): Promise<PgliteDb> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const release = lockDir(join(dir, 'lock'));
    try {
      const pg = new PGlite({ dataDir: join(dir, 'pgdata') });
      await pg.waitReady;
      return new PgliteDb(pg, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return this.run.query<R>(text, params);
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(runner(tx)));
  }

  async close(): Promise<void> {
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      this.release();
    }
  }
}
