// What the SQL sources (SQLite and PostgreSQL) share: turning result rows, already ordered by
// their cursor, into batches of readings that each carry the cursor of their last row. A row's
// reading id is `row:<cursor>`, so a row read twice (a crash between spooling and saving the
// cursor) dedupes downstream.
import type { FieldMap } from '../config.js';
import { SiteError, SiteErrorCode } from '../errors.js';
import { type ReadingBatch, readingOrInvalid } from './source.js';

const fields = ['kpi', 'series', 'value', 'unit', 'time', 'id', 'flags'] as const;

/** Reading field -> column name or constant; a field absent from both is read from the column of its
 * own name, except `id` (then `row:<cursor>`). */
export interface RowMapping {
  columns: FieldMap;
  constants: FieldMap;
}

/**
 * The reading input of one row: a mapped column (or, without a mapping, the column named like the
 * field), else the field's constant. NULLs are left out, so that an optional field reads as absent
 * and a missing required one is reported by name. A timestamp with a zone becomes ISO 8601 (UTC).
 */
export function rowInput(row: Record<string, unknown>, mapping?: RowMapping): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    // With a mapping, a reading id comes only from a column named for it: a table's own `id`
    // column (a station number, say) need not be unique per row, and readings dedupe on the id.
    const column = mapping === undefined || f !== 'id' ? (mapping?.columns[f] ?? f) : mapping.columns.id;
    let v = column !== undefined && Object.hasOwn(row, column) ? row[column] : undefined;
    if (v === undefined || v === null) v = mapping?.constants[f];
    if (v === undefined || v === null) continue;
    out[f] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v;
  }
  return out;
}

/** Collects rows into batches of at most `batchRows`; refuses a cursor that does not increase. */
export class RowBatcher {
  private batch: ReadingBatch = { readings: [], invalid: [] };
  private last: string | undefined;

  constructor(
    private readonly source: string,
    private readonly batchRows: number,
    private readonly mapping?: RowMapping,
  ) {}

  /** Adds one row; returns a full batch when this row completed one. */
  add(row: Record<string, unknown>, cursor: unknown): ReadingBatch | null {
    if (cursor === undefined || cursor === null) {
      throw new SiteError(SiteErrorCode.SourceFailed, 'query must return a non-null "cursor" column', {
        source: this.source,
      });
    }
    const c = String(cursor);
    // Two rows with one cursor value: resuming after the first would skip the second.
    if (c === this.last) {
      throw new SiteError(SiteErrorCode.SourceFailed, `cursor value ${c} is not unique`, {
        source: this.source,
      });
    }
    this.last = c;
    const r = readingOrInvalid(rowInput(row, this.mapping), this.source, `row:${c}`);
    if ('reason' in r) this.batch.invalid.push(r);
    else this.batch.readings.push(r);
    return this.batch.readings.length + this.batch.invalid.length >= this.batchRows ? this.flush() : null;
  }

  /** The rows added since the last batch, or null when there are none. */
  flush(): ReadingBatch | null {
    if (this.batch.readings.length + this.batch.invalid.length === 0) return null;
    const out = { ...this.batch, ...(this.last === undefined ? {} : { cursor: this.last }) };
    this.batch = { readings: [], invalid: [] };
    return out;
  }
}
