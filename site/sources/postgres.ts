// PostgreSQL source: reads a table or a SELECT of a local database incrementally, by a cursor
// column. Each page is one query `... WHERE cursor > $last ORDER BY cursor LIMIT n`, so a restart
// from the saved cursor resumes exactly after the last row delivered. Rows become readings through
// the column mapping shared with the SQLite source (sql-rows.ts). While the database is
// unreachable the source reconnects with backoff and reports the problem in the site's status
// (ReadingBatch.sourceError) instead of failing; a mistake that retrying cannot fix (bad SQL, an
// unknown column, a refused password, a cursor that is not unique) fails with SOURCE_FAILED.
import pg from 'pg';
import { type BackoffOptions, backoffDelay } from '../backoff.js';
import type { FieldMap } from '../config.js';
import { SiteError, SiteErrorCode } from '../errors.js';
import { pause, type ReadingBatch, type Source } from './source.js';
import { RowBatcher } from './sql-rows.js';

export interface PgSourceOptions {
  name: string;
  /** postgresql://user[:password]@host[:port]/database */
  url: string;
  /** Environment variable holding the password (wins over the URL's). */
  passwordEnv?: string;
  /** Exactly one of table ([schema.]name) and query (a SELECT). */
  table?: string;
  query?: string;
  cursorColumn: string;
  /** Rows with cursor > this on the first run; every row when absent. */
  initialCursor?: string;
  columns: FieldMap;
  constants: FieldMap;
  follow: boolean;
  pollMs: number;
  batchRows: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  backoff: BackoffOptions;
  /** The cursor saved by the site: the text form of the last delivered row's cursor value. */
  startCursor?: string;
  /** Uniform in [0, 1), for the backoff jitter. */
  rand?: () => number;
}

/** The cursor value in its text form, under a name a source table is unlikely to use. */
const CURSOR = 'bkdms_cursor';
/** Largest page: bounds what one query holds in memory. */
export const MAX_PG_BATCH_ROWS = 10_000;
/**
 * SQLSTATE classes a retry cannot fix: data exception (a cursor that does not parse as the column's
 * type), invalid authorization (password), unknown database or schema, syntax error or access
 * rule (unknown table or column, no privilege), feature not supported. Everything else (connection
 * lost, server starting or shutting down, too many connections, timeouts) is retried.
 */
const permanentClasses = new Set(['22', '28', '3D', '3F', '42', '0A']);

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The page query; $1 is the last cursor (when there is one), the last parameter the row limit. */
export function pgPageSql(
  o: Pick<PgSourceOptions, 'table' | 'query' | 'cursorColumn'>,
  after: boolean,
): string {
  const from =
    o.table !== undefined
      ? o.table.split('.').map(quoteIdent).join('.')
      : `(${o.query!.replace(/;\s*$/, '')})`;
  const c = `s.${quoteIdent(o.cursorColumn)}`;
  const where = after ? ` WHERE ${c} > $1` : '';
  return `SELECT s.*, ${c}::text AS ${CURSOR} FROM ${from} AS s${where} ORDER BY ${c} LIMIT $${after ? 2 : 1}`;
}

// Dates without a zone stay text, which the reading validator refuses as ambiguous (as it does a
// zoneless time in any source) instead of guessing this process's local zone.
const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID || oid === DATE_OID
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export class PgSource implements Source {
  readonly name: string;
  private drained = false;
  private client: pg.Client | null = null;
  private readonly password: string | undefined;
  private readonly where: string;

  constructor(private readonly opts: PgSourceOptions) {
    this.name = opts.name;
    const bad = (message: string) => new SiteError(SiteErrorCode.BadConfig, message, { source: opts.name });
    if ((opts.table === undefined) === (opts.query === undefined))
      throw bad('a pg source needs exactly one of table and query');
    if (!Number.isInteger(opts.batchRows) || opts.batchRows < 1 || opts.batchRows > MAX_PG_BATCH_ROWS)
      throw bad(`batchRows must be 1..${MAX_PG_BATCH_ROWS}`);
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw bad('url is not a postgres:// URL');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
      throw bad('url is not a postgres:// URL');
    // Where, for status and logs: never the password.
    this.where = `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
    if (opts.passwordEnv !== undefined) {
      this.password = process.env[opts.passwordEnv];
      if (this.password === undefined || this.password === '')
        throw bad(`environment variable ${opts.passwordEnv} (passwordEnv) is not set`);
    }
  }

  caughtUp(): boolean {
    return this.drained;
  }

  async *batches(signal: AbortSignal): AsyncIterable<ReadingBatch> {
    let cursor = this.opts.startCursor ?? this.opts.initialCursor;
    let failures = 0;
    // Stopping closes the connection, which ends a query that waits on a hung server at once.
    const onAbort = () => void this.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        try {
          for (let more = true; more && !signal.aborted; ) {
            const page = await this.page(cursor);
            more = page.more;
            if (failures > 0) {
              failures = 0;
              yield { readings: [], invalid: [], sourceError: '' };
            }
            if (page.batch) {
              cursor = page.batch.cursor;
              yield page.batch;
            }
          }
          this.drained = true;
        } catch (err) {
          if (signal.aborted) return;
          const permanent = asPermanent(err, this.name, this.where);
          if (permanent) throw permanent;
          // Rows still in the database may belong to a period about to close: while it cannot be
          // read, the source is not caught up and the site holds that period open.
          this.drained = false;
          await this.disconnect();
          const wait = backoffDelay(++failures, this.opts.backoff, this.opts.rand ?? Math.random);
          const reason = err instanceof Error ? err.message : String(err);
          yield {
            readings: [],
            invalid: [],
            sourceError: `cannot read database ${this.where}: ${reason} (attempt ${failures}, next in ${wait} ms)`,
          };
          await pause(wait, signal);
          continue;
        }
        if (!this.opts.follow) return;
        await pause(this.opts.pollMs, signal);
        this.drained = false;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await this.disconnect();
    }
  }

  /** One page after `from`: at most batchRows rows as one batch, and whether more rows follow. */
  private async page(from: string | undefined): Promise<{ batch: ReadingBatch | null; more: boolean }> {
    const client = await this.connect();
    const n = this.opts.batchRows;
    const sql = pgPageSql(this.opts, from !== undefined);
    // One row past the page tells whether more follow, and whether the page cut a cursor value in two.
    const params = from === undefined ? [n + 1] : [from, n + 1];
    const { rows } = await client.query<Record<string, unknown>>(sql, params);
    const more = rows.length > n;
    if (more && rows[n]![CURSOR] === rows[n - 1]![CURSOR]) {
      throw new SiteError(
        SiteErrorCode.SourceFailed,
        `cursor value ${String(rows[n]![CURSOR])} is not unique`,
        {
          source: this.name,
        },
      );
    }
    const batcher = new RowBatcher(this.name, n, {
      columns: this.opts.columns,
      constants: this.opts.constants,
    });
    // A page holds at most batchRows rows, so the batcher completes a batch at its last row at most.
    let batch: ReadingBatch | null = null;
    for (const row of rows.slice(0, n)) batch = batcher.add(row, row[CURSOR]) ?? batch;
    return { batch: batch ?? batcher.flush(), more };
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.opts.url,
      ...(this.password === undefined ? {} : { password: this.password }),
      connectionTimeoutMillis: this.opts.connectTimeoutMs,
      statement_timeout: this.opts.queryTimeoutMs,
      // The server's timeout cannot fire when the connection itself hangs; this one can.
      query_timeout: this.opts.queryTimeoutMs + 5_000,
      keepAlive: true,
      application_name: 'bkdms-site',
      types,
    });
    // A connection lost while idle is reported as an event; unhandled, it would end the process.
    // The next query then fails and takes the reconnect path.
    client.on('error', () => {
      if (this.client === client) this.client = null;
    });
    try {
      await client.connect();
      // UTC and ISO make a timestamp cursor's text form the same on every connection, so that a
      // saved cursor compares as it was read. The source only reads.
      await client.query(
        "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'; SET default_transaction_read_only = on",
      );
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
    return client;
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}

/** The SiteError for a failure retrying cannot fix, or null when the failure is worth a retry. */
function asPermanent(err: unknown, source: string, where: string): SiteError | null {
  if (err instanceof SiteError) return err;
  if (
    err instanceof pg.DatabaseError &&
    err.code !== undefined &&
    permanentClasses.has(err.code.slice(0, 2))
  ) {
    return new SiteError(
      SiteErrorCode.SourceFailed,
      `database ${where}: ${err.message} (SQLSTATE ${err.code})`,
      {
        source,
      },
    );
  }
  return null;
}
