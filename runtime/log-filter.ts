// A log query's filter from text (command-line flags, RPC request fields), checked once for both:
// known stream and level names, ISO times, a bounded pattern, a bounded limit.
import { RuntimeError, RuntimeErrorCode } from './errors.js';
import type { LogFilter } from './log-query.js';
import { isLogType, LEVELS, LOG_TYPES, type LogType } from './log-types.js';

export interface RawLogFilter {
  /** Stream names, comma-separated or repeated. */
  types?: readonly string[] | string;
  from?: string;
  to?: string;
  level?: string;
  module?: string;
  grep?: string;
  limit?: number | string;
}

/** A pattern longer than this is refused: it is run against every line read. */
export const MAX_PATTERN_CHARS = 256;
export const MAX_QUERY_LIMIT = 1_000_000;

const bad = (msg: string): RuntimeError => new RuntimeError(RuntimeErrorCode.BadLogQuery, msg);

export function parseLogTypes(raw: readonly string[] | string | undefined): LogType[] {
  const names = (typeof raw === 'string' ? [raw] : (raw ?? []))
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names)
    if (!isLogType(n)) throw bad(`unknown log type "${n}" (one of ${LOG_TYPES.join(', ')})`);
  return [...new Set(names as LogType[])];
}

export function parseTime(s: string, what: string): number {
  // An ISO 8601 date or date-time; anything Date.parse would guess at otherwise is refused.
  const t = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) ? Date.parse(s) : Number.NaN;
  if (!Number.isFinite(t)) throw bad(`${what}: expected an ISO 8601 time, got "${s}"`);
  return t;
}

export function parseLogFilter(r: RawLogFilter): LogFilter {
  const f: LogFilter = {};
  const types = parseLogTypes(r.types);
  if (types.length > 0) f.types = types;
  if (r.from) f.fromMs = parseTime(r.from, 'from');
  if (r.to) f.toMs = parseTime(r.to, 'to');
  if (f.fromMs !== undefined && f.toMs !== undefined && f.fromMs > f.toMs) throw bad('from is after to');
  if (r.level) {
    if (LEVELS[r.level] === undefined)
      throw bad(`unknown level "${r.level}" (one of ${Object.keys(LEVELS).join(', ')})`);
    f.level = r.level;
  }
  if (r.module) {
    if (!/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/.test(r.module)) throw bad(`bad module name "${r.module}"`);
    f.module = r.module;
  }
  if (r.grep) {
    if (r.grep.length > MAX_PATTERN_CHARS) throw bad(`pattern longer than ${MAX_PATTERN_CHARS} characters`);
    try {
      f.grep = new RegExp(r.grep);
    } catch (err) {
      throw bad(`bad pattern: ${(err as Error).message}`);
    }
  }
  if (r.limit !== undefined && r.limit !== '' && r.limit !== 0) {
    const n = Number(r.limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_QUERY_LIMIT)
      throw bad(`limit: expected 1..${MAX_QUERY_LIMIT}`);
    f.limit = n;
  }
  return f;
}
