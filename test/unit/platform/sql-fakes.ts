// SqlDb wrappers for the platform store tests: a database whose n-th transaction fails at a chosen
// statement (a crash or a disk failure mid-block), over a real database that keeps what committed.

import type { SqlDb, SqlRunner } from '../../../platform/sql-db.js';
import { MemoryDb } from '../../../platform/sql-pglite-memory.js';

/** For beforeAll: the shared in-memory PGlite takes seconds to start (more on a loaded machine). */
export const WARM_UP = [() => MemoryDb.warmUp(), 180_000] as const;

export interface CrashPlan {
  /** Statements matching this (default: the block's cursor update, its last) are counted... */
  at?: RegExp;
  /** ...and the n-th (1-based) throws when this says so, rolling back its transaction. */
  fails: (n: number) => boolean;
  error?: () => Error;
}

/** `inner`, but the statements the plan names throw inside their transaction (which rolls back). */
export function crashing(inner: SqlDb, plan: CrashPlan): SqlDb & { hits: number } {
  const at = plan.at ?? /INSERT INTO extract_cursor/;
  const fail = plan.error ?? (() => new Error('crash'));
  const db = {
    kind: inner.kind,
    hits: 0,
    query: inner.query.bind(inner),
    close: () => inner.close(),
    transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      return inner.transaction((tx) =>
        fn({
          query: (text, params) => {
            if (at.test(text) && plan.fails(++db.hits)) throw fail();
            return tx.query(text, params);
          },
        }),
      );
    },
  };
  return db as SqlDb & { hits: number };
}

const TABLES: Record<string, string> = {
  extract_cursor: 'id',
  contract_state: 'key COLLATE "C"',
  packets: 'height, idx',
  storage_records: 'height, idx',
  packet_outcomes: 'height, idx',
  packet_failures: 'height, idx',
  kpi_values: 'height, idx, entry',
  session_offers: 'offer',
};

/** Every row the extractor writes, table by table in key order: two databases compared whole. */
export async function dump(db: SqlDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES))
    out[table] = (await db.query(`SELECT * FROM ${table} ORDER BY ${order}`)).map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v),
        ]),
      ),
    );
  return out;
}
