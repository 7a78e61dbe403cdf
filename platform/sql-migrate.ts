// Applies the schema migrations (sql-schema.ts) at open, in one transaction under an advisory lock
// so two processes opening one server database at once do not race. A database whose version is
// newer than this code's is refused: the code would misread or damage it.
import { PlatformError, PlatformErrorCode } from './errors.js';
import { num, type SqlDb } from './sql-db.js';
import { MIGRATIONS } from './sql-schema.js';

/** Arbitrary constant naming this schema's advisory lock (pg_advisory_xact_lock). */
const LOCK_KEY = 0x626b_646d;

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema up to SCHEMA_VERSION; resolves with the version found before. */
export async function migrate(db: SqlDb, migrations = MIGRATIONS): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
    );
    const [row] = await tx.query('SELECT max(version) AS v FROM schema_version');
    const found = row?.v === null || row?.v === undefined ? 0 : num(row.v);
    if (found > migrations.length)
      throw new PlatformError(
        PlatformErrorCode.Store,
        `the platform database has schema version ${found}, newer than this program's ` +
          `${migrations.length}: run a newer bkdms`,
        { found, supported: migrations.length },
      );
    for (let v = found + 1; v <= migrations.length; v++) {
      for (const statement of migrations[v - 1] ?? []) await tx.query(statement);
      await tx.query('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [v, Date.now()]);
    }
    return found;
  });
}
