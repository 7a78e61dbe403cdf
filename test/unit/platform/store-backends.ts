// The back ends the platform store tests run on: the in-memory PGlite always, and a throw-away
// PostgreSQL server when the machine can start one.
import type { SqlDb } from '../../../platform/sql-db.js';
import { MemoryDb } from '../../../platform/sql-pglite-memory.js';

export interface Backend {
  name: string;
  setUp: () => Promise<void>;
  /** A fresh, empty database (schema not yet migrated). */
  db: () => Promise<SqlDb>;
  tearDown: () => Promise<void>;
}

export function backends(): Backend[] {
  return [
    {
      name: 'PGlite',
      setUp: () => MemoryDb.warmUp(),
      db: async () => new MemoryDb(),
      tearDown: async () => {},
    },
  ];
}
