// In-memory databases for tests and throw-away runs. Starting PGlite costs seconds and a hundred MB
// or more, so every memory database of a process is a schema of its own in one shared in-memory
// PGlite: each statement and transaction runs with its search_path set to that schema alone
// (PGlite runs one transaction at a time, so they cannot interleave). close() drops the schema.
import { PGlite } from '@electric-sql/pglite';
import type { SqlDb, SqlRow, SqlRunner } from './sql-db.js';

let shared: PGlite | undefined;
let next = 0;

function runner(q: Pick<PGlite, 'query'>): SqlRunner {
  return {
    async query<R extends SqlRow>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await q.query<R>(text, [...params])).rows;
    },
  };
}

export class MemoryDb implements SqlDb {
  readonly kind = 'pglite';
  private readonly pg: PGlite;
  private readonly schema = `mem_${process.pid}_${next++}`;
  private created = false;
  private closed = false;

  constructor() {
    this.pg = MemoryDb.instance();
  }

  private static instance(): PGlite {
    shared ??= new PGlite();
    return shared;
  }

  /** Starts the shared PGlite now (its first start takes seconds): for a test's beforeAll. */
  static async warmUp(): Promise<void> {
    await MemoryDb.instance().waitReady;
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database closed'));
    return this.pg.transaction(async (tx) => {
      if (!this.created) {
        await tx.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        this.created = true;
      }
      await tx.query(`SET LOCAL search_path TO ${this.schema}`);
      return fn(runner(tx));
    });
  }

  query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return this.transaction((tx) => tx.query<R>(text, params));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.created) await this.pg.query(`DROP SCHEMA ${this.schema} CASCADE`);
  }
}
