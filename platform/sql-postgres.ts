// The server back end: a PostgreSQL server (15 or later) through a pg Pool, for a platform whose
// trace, audit and assess run from other processes while `platform run` follows the chain. The
// URL may carry a password: it is never logged.
import pg from 'pg';
import type { SqlDb, SqlRow, SqlRunner } from './sql-db.js';

type Client = Pick<pg.PoolClient, 'query'>;

function runner(c: Client): SqlRunner {
  return {
    async query<R extends SqlRow>(
      text: string,
      params: readonly unknown[] = [],
      name?: string,
    ): Promise<R[]> {
      const values = [...params];
      return (await (name === undefined ? c.query<R>(text, values) : c.query<R>({ name, text, values })))
        .rows;
    },
  };
}

export class PostgresDb implements SqlDb {
  readonly kind = 'postgres';
  private readonly run: SqlRunner;

  private constructor(private readonly pool: pg.Pool) {
    this.run = runner(pool);
  }

  /** Connects (and checks the connection) to the server at `url` (postgres://user@host:port/db). */
  static async open(url: string, max = 4): Promise<PostgresDb> {
    const pool = new pg.Pool({ connectionString: url, max });
    // An idle client's connection error must not crash the process; the next query reports it.
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresDb(pool);
  }

  query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[], name?: string): Promise<R[]> {
    return this.run.query<R>(text, params, name);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await fn(runner(client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      // A connection that cannot even roll back is dropped, not handed to the next caller.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
