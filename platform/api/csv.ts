// CSV export of KPI values (RFC 4180, header line first), streamed page by page so memory stays
// bounded whatever the row cap; a client that stops reading pauses the query loop (backpressure).
import type { ServerResponse } from 'node:http';
import type { SqlRunner } from '../sql-db.js';
import { MAX_LIMIT } from './params.js';
import { type ApiValue, type ValueFilter, valuesPage } from './queries.js';

export const CSV_HEADER =
  'time,city,country,site,site_id,kpi,series,value,unit,flags,tracing_code,height,index,entry';

function field(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(v: ApiValue): string {
  return `${[
    new Date(v.time).toISOString(),
    v.city,
    v.country,
    v.site,
    v.siteId,
    v.kpi,
    v.series,
    v.value,
    v.unit,
    v.flags,
    v.tracingCode,
    v.height,
    v.index,
    v.entry,
  ]
    .map(field)
    .join(',')}\r\n`;
}

function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes at most `limit` rows matching `f` in (time, height, index, entry) order, then ends. */
export async function writeCsv(
  res: ServerResponse,
  db: SqlRunner,
  f: ValueFilter,
  limit: number,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="values.csv"',
  });
  await write(res, `${CSV_HEADER}\r\n`);
  let left = limit;
  let after: Parameters<typeof valuesPage>[3];
  while (left > 0 && !res.destroyed) {
    const page = await valuesPage(db, f, Math.min(MAX_LIMIT, left), after);
    if (page.values.length > 0) await write(res, page.values.map(csvLine).join(''));
    left -= page.values.length;
    if (!page.next) break;
    after = page.next;
  }
  res.end();
}
