// Builds the configured sources, each resuming from its saved cursor.

import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../config.js';
import { SiteError, SiteErrorCode } from '../errors.js';
import { CsvSource } from './csv.js';
import { type HttpPushOptions, HttpPushSource } from './http-push.js';
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
      return new HttpPushSource(httpPushOptions(c));
    case 'sql':
      return new SqlSource({ ...c, ...resume });
    case 'pg':
      return new PgSource({ ...c, ...resume });
  }
}

/** The push source's secrets, read from their files now: a missing file fails at start. */
function httpPushOptions(c: Extract<SourceConfig, { type: 'http' }>): HttpPushOptions {
  const { tokenFile, tls, ...rest } = c;
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new SiteError(
        SiteErrorCode.BadConfig,
        `push source ${c.name}: cannot read ${what} ${path}: ${(err as Error).message}`,
      );
    }
  };
  return {
    ...rest,
    ...(tokenFile === undefined
      ? {}
      : { token: (read(tokenFile, 'tokenFile').toString('utf8').split(/\r?\n/)[0] ?? '').trim() }),
    ...(tls === undefined
      ? {}
      : {
          tls: {
            cert: read(tls.cert, 'tls.cert'),
            key: read(tls.key, 'tls.key'),
            clientCa: read(tls.clientCa, 'tls.clientCa'),
          },
        }),
  };
}
