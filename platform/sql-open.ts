// Opens the platform database the config names: a PostgreSQL server when `store.url` is set,
// otherwise PGlite in `dataDir`. A folder holding the classic-level database of earlier versions
// is refused with the way forward (the chain is extracted again into an empty folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { storeError } from './sql-db.js';
import { PgliteDb } from './sql-pglite.js';
import { PostgresDb } from './sql-postgres.js';
import { PlatformStore } from './store.js';

export interface StoreConfig {
  dataDir: string;
  store?: { url?: string | undefined } | undefined;
}

/** True for a folder classic-level (LevelDB) wrote: its CURRENT file and no PGlite cluster. */
function isLevelFolder(dir: string): boolean {
  return existsSync(join(dir, 'CURRENT')) && !existsSync(join(dir, 'pgdata'));
}

export async function openStore(config: StoreConfig): Promise<PlatformStore> {
  const url = config.store?.url;
  if (url !== undefined) {
    // The message of a failed connection can echo the URL, password included: not passed on.
    const db = await PostgresDb.open(url).catch((err: unknown) => {
      throw new PlatformError(
        PlatformErrorCode.Store,
        `cannot connect to the platform database server (store.url): ${(err as { code?: string }).code ?? 'connection failed'}`,
      );
    });
    return PlatformStore.opened(db);
  }
  if (isLevelFolder(config.dataDir))
    throw new PlatformError(
      PlatformErrorCode.Store,
      `${config.dataDir} holds a platform database of an earlier version (classic-level): move it ` +
        'aside and run `bkdms platform run` with an empty dataDir, which extracts the chain again ' +
        'from block 1 into SQL (docs/platform.md, "Databases from earlier versions")',
      { dir: config.dataDir },
    );
  const db = await PgliteDb.open(config.dataDir).catch((err: unknown) => {
    throw storeError('open', err);
  });
  return PlatformStore.opened(db);
}
