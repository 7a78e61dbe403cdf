// Query parameters of the platform's query API, checked before any SQL runs: a bad one is a 400
// naming the field (ApiInputError), never a guess. Times are UTC ms or ISO 8601; a site is an IPv4
// or IPv6 address or its 16-byte ID in hex; a KPI is its wire code (kpi/ catalogue numbering).
import { parseSiteId } from '../../kpi/site-id.js';

/** A parameter the API refuses: the server answers 400 `{ error, field }`. */
export class ApiInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiInputError';
  }
}

/** Largest page of values (and the default of `limit` when absent is DEFAULT_LIMIT). */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;
/** Rows a CSV export writes at most; the response says so in a trailing comment-free header. */
export const MAX_CSV_ROWS = 100_000;

const MAX_TEXT = 128;

function text(q: URLSearchParams, field: string): string | undefined {
  const all = q.getAll(field);
  if (all.length > 1) throw new ApiInputError(field, `${field} given more than once`);
  const v = all[0];
  if (v === undefined || v === '') return undefined;
  if (v.length > MAX_TEXT) throw new ApiInputError(field, `${field} longer than ${MAX_TEXT} characters`);
  return v;
}

export function required<T>(v: T | undefined, field: string): T {
  if (v === undefined) throw new ApiInputError(field, `${field} is required`);
  return v;
}

/** A city code as stored (UN/LOCODE or another scheme's code): printable ASCII without spaces. */
export function city(q: URLSearchParams): string | undefined {
  const v = text(q, 'city');
  if (v !== undefined && !/^[\x21-\x7e]{1,64}$/.test(v))
    throw new ApiInputError('city', 'city must be a city code (printable ASCII, no spaces)');
  return v;
}

/** A site as the 32-hex site ID the database keeps. */
export function site(q: URLSearchParams): string | undefined {
  const v = text(q, 'site');
  if (v === undefined) return undefined;
  if (/^[0-9a-fA-F]{32}$/.test(v)) return v.toLowerCase();
  try {
    return Buffer.from(parseSiteId(v)).toString('hex');
  } catch {
    throw new ApiInputError('site', 'site must be an IPv4/IPv6 address or a 32-hex site ID');
  }
}

export function integer(q: URLSearchParams, field: string, min: number, max: number): number | undefined {
  const v = text(q, field);
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max)
    throw new ApiInputError(field, `${field} must be an integer in ${min}..${max}`);
  return Number(v);
}

export const kpi = (q: URLSearchParams): number | undefined => integer(q, 'kpi', 0, 0xffff_ffff);

/** A time: integer UTC ms, or an ISO 8601 date-time with a zone (or a bare date, UTC). */
export function parseTime(v: string, field: string): number {
  if (/^\d{1,15}$/.test(v)) return Number(v);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const ms = iso.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0)
    throw new ApiInputError(field, `${field} must be UTC ms or an ISO 8601 time with a zone`);
  return ms;
}

export function time(q: URLSearchParams, field: string): number | undefined {
  const v = text(q, field);
  return v === undefined ? undefined : parseTime(v, field);
}

export interface TimeRange {
  from?: number;
  to?: number;
}

/** `from` (inclusive) and `to` (exclusive); `from` must come before `to`. */
export function range(q: URLSearchParams): TimeRange {
  const from = time(q, 'from');
  const to = time(q, 'to');
  if (from !== undefined && to !== undefined && from >= to)
    throw new ApiInputError('to', 'to must be after from');
  return { from, to };
}

export type Period = 'hour' | 'day' | 'month';

export function period(q: URLSearchParams): Period {
  const v = required(text(q, 'period'), 'period');
  if (v !== 'hour' && v !== 'day' && v !== 'month')
    throw new ApiInputError('period', 'period must be hour, day or month');
  return v;
}

/** Where a page of values resumes: the last row's (time, height, index, entry). */
export type Cursor = [number, number, number, number];

export function encodeCursor(c: Cursor): string {
  return Buffer.from(c.join('.')).toString('base64url');
}

export function cursor(q: URLSearchParams): Cursor | undefined {
  const v = text(q, 'cursor');
  if (v === undefined) return undefined;
  const parts = Buffer.from(v, 'base64url').toString('latin1').split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,16}$/.test(p)))
    throw new ApiInputError('cursor', 'cursor is not one this API gave');
  return parts.map(Number) as Cursor;
}

/** Refuses parameters an endpoint does not know (a typo would otherwise silently widen a query). */
export function only(q: URLSearchParams, known: readonly string[]): void {
  for (const k of q.keys())
    if (!known.includes(k)) throw new ApiInputError(k, `unknown parameter ${k} (known: ${known.join(', ')})`);
}
