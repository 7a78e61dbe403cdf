// Builds the configured sources, each resuming from its saved cursor.
import type { SourceConfig } from '../config.js';
import { CsvSource } from './csv.js';
import { HttpPushSource } from './http-push.js';
import { JsonLinesSource } from './jsonl.js';
import { PgSource } from './postgres.js';
import type { Source } from './source.js';
import { SqlSource } from './sql.js';

export function sourceFromConfig(c: SourceConfig, cursor: string | undefined): Source {
  const resume = cursor === undefined ? {} : { startCursor: cursor };
  switch (c.type) {
    case 'csv':
      return new CsvSource({ ...c, ...resume });
    case 'jsonl':
      return new JsonLinesSource({ ...c, ...resume });
    case 'http':
      return new HttpPushSource(c);
    case 'sql':
      return new SqlSource({ ...c, ...resume });
    case 'pg':
      return new PgSource({ ...c, ...resume });
  }
}
