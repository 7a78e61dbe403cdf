// The SQL connection the platform store runs on, whatever the back end: PGlite embedded in this
// process (sql-pglite.ts) or a PostgreSQL server through a pg Pool (sql-postgres.ts). Statements
// are one SQL command each with $n parameters, so both back ends run them the same way.
import { PlatformError, PlatformErrorCode } from './errors.js';

export type SqlRow = Record<string, unknown>;

export interface SqlRunner {
  /**
   * Runs one statement; resolves with its rows (empty for a statement without any). A statement
   * run for every block may be `name`d: the server back end then parses and plans it once per
   * connection (a name must always go with the same text); PGlite runs it as any other.
   */
  query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[], name?: string): Promise<R[]>;
}

export interface SqlDb extends SqlRunner {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A database failure is a STORE error: the follow loop stops on it instead of blaming the node. */
export function storeError(what: string, err: unknown): PlatformError {
  if (err instanceof PlatformError) return err;
  return new PlatformError(
    PlatformErrorCode.Store,
    `platform database ${what} failed: ${(err as Error)?.message ?? String(err)}`,
  );
}

/** A bigint column as a number: pg gives a string, PGlite a number. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A bytea column as a Uint8Array (pg gives a Buffer). */
export function bytes(v: unknown): Uint8Array {
  const b = v as Uint8Array;
  return Uint8Array.from(b);
}
