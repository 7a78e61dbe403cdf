// Range queries over the time-ordered secondary indexes, paginated with opaque cursors and
// streamable as async iterators. A cursor is the last key returned, base64url: the next page
// starts strictly after it. A cursor is checked to lie inside the query's own range, so a cursor
// from another query is a BadQuery, never a silent jump.

import type { CityCode } from '../../codec/types.js';
import { Bucket, key, prefixEnd, readU64, u16, u64 } from './buckets.js';
import { compareBytes, type Db } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { cityKeyPart } from './index-batch.js';

export interface TraceRef {
  tracingCode: Uint8Array;
  /** Envelope time (UTC ms). */
  time: number;
}

export interface Page<T> {
  items: T[];
  /** Present when more items may follow: pass it back to get the next page. */
  cursor?: string;
}

export interface PageOptions {
  /** Page size, 1..MAX_PAGE (default 100). */
  limit?: number;
  cursor?: string;
}

export const MAX_PAGE = 1000;

/** Key range [from, to) in time for the entries under `prefix` (prefix || time u64 || tracing code). */
export interface TimeRange {
  prefix: Uint8Array;
  from: number;
  to: number;
}

export function siteRange(siteId: Uint8Array, from: number, to: number): TimeRange {
  if (siteId.length !== 16) throw new StoreError(StoreErrorCode.BadQuery, 'siteId must be 16 bytes');
  return { prefix: key(Bucket.SiteTime, siteId), from, to };
}

export function cityKpiRange(
  country: number,
  city: CityCode,
  kpi: number,
  from: number,
  to: number,
): TimeRange {
  return { prefix: key(Bucket.CityKpiTime, cityKeyPart(country, city), u16(kpi)), from, to };
}

function bounds(r: TimeRange): { gte: Uint8Array; lt: Uint8Array } {
  if (!(Number.isSafeInteger(r.from) && Number.isSafeInteger(r.to) && r.from >= 0 && r.to >= r.from))
    throw new StoreError(StoreErrorCode.BadQuery, 'bad time range', { from: r.from, to: r.to });
  const gte = concat(r.prefix, u64(r.from));
  const lt = r.to >= Number.MAX_SAFE_INTEGER ? prefixEnd(r.prefix) : concat(r.prefix, u64(r.to));
  return { gte, lt };
}

function toRef(k: Uint8Array, prefixLen: number): TraceRef {
  return { time: readU64(k, prefixLen), tracingCode: k.slice(prefixLen + 8, prefixLen + 40) };
}

export async function queryPage(db: Db, r: TimeRange, opts: PageOptions = {}): Promise<Page<TraceRef>> {
  const limit = opts.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new StoreError(StoreErrorCode.BadQuery, 'bad page limit', { limit });
  const { gte, lt } = bounds(r);
  const range: { gte?: Uint8Array; gt?: Uint8Array; lt: Uint8Array; limit: number } = {
    gte,
    lt,
    limit: limit + 1,
  };
  if (opts.cursor !== undefined) {
    const after = decodeCursor(opts.cursor);
    if (compareBytes(after, gte) < 0 || compareBytes(after, lt) >= 0)
      throw new StoreError(StoreErrorCode.BadQuery, 'cursor does not belong to this query');
    range.gt = after;
    range.gte = undefined;
  }
  const keys: Uint8Array[] = [];
  for await (const [k] of db.iterate(range)) keys.push(k);
  const more = keys.length > limit;
  const page = more ? keys.slice(0, limit) : keys;
  const items = page.map((k) => toRef(k, r.prefix.length));
  const last = page.at(-1);
  return more && last !== undefined ? { items, cursor: encodeCursor(last) } : { items };
}

/** Streams every entry of the range, page by page (bounded memory). */
export async function* queryAll(db: Db, r: TimeRange, pageSize = 500): AsyncGenerator<TraceRef> {
  let cursor: string | undefined;
  do {
    const page: Page<TraceRef> = await queryPage(db, r, { limit: pageSize, cursor });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor !== undefined);
}

function encodeCursor(k: Uint8Array): string {
  return Buffer.from(k).toString('base64url');
}

function decodeCursor(c: string): Uint8Array {
  if (c.length > 200 || !/^[A-Za-z0-9_-]*$/.test(c))
    throw new StoreError(StoreErrorCode.BadQuery, 'malformed cursor');
  return new Uint8Array(Buffer.from(c, 'base64url'));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
