// Local SQL database source (SQLite through sql.js, in WASM: no native build). Runs a configured
// query against a snapshot of the database file, passing the last cursor as :cursor, and maps the
// result columns (kpi, series, value, unit, time, id, cursor) to readings (sql-rows.ts, shared
// with the PostgreSQL source). The query must order
// its rows by the cursor column so that resuming from the last cursor skips exactly what was
// delivered. In follow mode the file is re-read every pollMs to see rows the city system added.
import { readFile, stat } from 'node:fs/promises';
import initSqlJs from 'sql.js';
import { SiteError, SiteErrorCode } from '../errors.js';
import { pause, type ReadingBatch, type Source } from './source.js';
import { RowBatcher } from './sql-rows.js';

export interface SqlSourceOptions {
  name: string;
  /** SQLite database file. */
  path: string;
  /** SELECT returning kpi, value, time and optionally series, unit, id; and a `cursor` column. */
  query: string;
  /** Cursor bound to :cursor on the first run (e.g. 0 or ''). */
  initialCursor: string;
  follow: boolean;
  pollMs: number;
  batchRows: number;
  /** Largest database file the source will load into memory. */
  maxDbBytes: number;
  startCursor?: string;
}

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
/** Consecutive failed polls tolerated in follow mode. */
const maxFollowFailures = 5;
let sqlJs: Promise<SqlJs> | null = null;

export class SqlSource implements Source {
  readonly name: string;
  private drained = false;

  constructor(private readonly opts: SqlSourceOptions) {
    this.name = opts.name;
  }

  caughtUp(): boolean {
    return this.drained;
  }

  async *batches(signal: AbortSignal): AsyncIterable<ReadingBatch> {
    sqlJs ??= initSqlJs();
    const SQL = await sqlJs;
    let cursor = this.opts.startCursor ?? this.opts.initialCursor;
    let failures = 0;
    while (!signal.aborted) {
      try {
        for await (const batch of this.poll(SQL, cursor)) {
          cursor = batch.cursor ?? cursor;
          yield batch;
        }
        this.drained = true;
        failures = 0;
      } catch (err) {
        // In follow mode the file may be read while the city system rewrites it: a few failed
        // polls in a row are retried from the last delivered cursor before the source gives up.
        if (!this.opts.follow || ++failures >= maxFollowFailures) throw err;
      }
      if (!this.opts.follow) return;
      await pause(this.opts.pollMs, signal);
      this.drained = false;
    }
  }

  /** One run of the query from `from`, in batches that each carry the cursor of their last row. */
  private async *poll(SQL: SqlJs, from: string): AsyncGenerator<ReadingBatch> {
    const db = new SQL.Database(await this.load());
    try {
      const stmt = db.prepare(this.opts.query);
      try {
        stmt.bind({ ':cursor': /^-?\d+(\.\d+)?$/.test(from) ? Number(from) : from });
        const rows = new RowBatcher(this.name, this.opts.batchRows);
        while (stmt.step()) {
          const { cursor, ...fields } = stmt.getAsObject();
          const full = rows.add(fields, cursor);
          if (full) yield full;
        }
        const rest = rows.flush();
        if (rest) yield rest;
      } finally {
        stmt.free();
      }
    } catch (err) {
      if (err instanceof SiteError) throw err;
      throw new SiteError(SiteErrorCode.SourceFailed, `query failed: ${(err as Error).message}`, {
        source: this.name,
      });
    } finally {
      db.close();
    }
  }

  private async load(): Promise<Uint8Array> {
    try {
      const { size } = await stat(this.opts.path);
      if (size > this.opts.maxDbBytes) {
        throw new SiteError(SiteErrorCode.Oversized, `database larger than ${this.opts.maxDbBytes} bytes`, {
          source: this.name,
          size,
        });
      }
      return await readFile(this.opts.path);
    } catch (err) {
      if (err instanceof SiteError) throw err;
      throw new SiteError(
        SiteErrorCode.SourceFailed,
        `cannot read ${this.opts.path}: ${(err as Error).message}`,
        {
          source: this.name,
        },
      );
    }
  }
}
