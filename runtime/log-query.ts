// The log query engine: reads a log folder's rotated files (log-types.ts) as a stream of lines,
// filtered by stream, time, level, module and a regular expression. Memory stays bounded whatever
// the folder holds: files are read one chunk at a time, a line longer than MAX_LINE_BYTES is
// skipped as malformed, and several streams are merged by time one line each. A stream's files
// are read in write order; a line that is not a JSON object with a time is counted and skipped.
import { createReadStream } from 'node:fs';
import { LEVELS, LOG_TYPES, type LogFile, type LogType, levelName, listLogFiles } from './log-types.js';

export const MAX_LINE_BYTES = 1024 * 1024;

export interface LogLine {
  type: LogType;
  /** ISO time of the line. */
  time: string;
  timeMs: number;
  level: string;
  module: string;
  msg: string;
  /** File the line was read from (its name in the folder). */
  file: string;
  /** The whole line as written. */
  record: Record<string, unknown>;
}

export interface LogFilter {
  /** Streams to read; all when absent or empty. */
  types?: readonly LogType[];
  /** Inclusive bounds (ms). */
  fromMs?: number;
  toMs?: number;
  /** Lowest level shown (pino level name). */
  level?: string;
  /** A module and its sub-modules ("p2p" matches "p2p.gossip"). */
  module?: string;
  /** Tested against the raw line. */
  grep?: RegExp;
  /** At most this many lines. */
  limit?: number;
}

export interface QueryStats {
  files: number;
  lines: number;
  malformed: number;
  matched: number;
}

export const newQueryStats = (): QueryStats => ({ files: 0, lines: 0, malformed: 0, matched: 0 });

/** Lines of a file; a line over `max` bytes comes out as null (counted malformed by the caller). */
export async function* fileLines(path: string, max = MAX_LINE_BYTES): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let held = 0;
  let overlong = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (overlong || held + piece.length > max) yield null;
      else yield Buffer.concat([...parts, piece]).toString('utf8');
      parts = [];
      held = 0;
      overlong = false;
    }
    const rest = chunk.subarray(start);
    if (overlong || held + rest.length > max) {
      overlong = true;
      parts = [];
      held = 0;
    } else if (rest.length > 0) {
      parts.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  // A last line without its newline (a file being written, a crash): read as it is.
  if (overlong) yield null;
  else if (held > 0) yield Buffer.concat(parts).toString('utf8');
}

function parseLine(raw: string, type: LogType, file: string): LogLine | undefined {
  let record: unknown;
  try {
    record = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  const timeMs = typeof r.time === 'string' ? Date.parse(r.time) : typeof r.time === 'number' ? r.time : NaN;
  if (!Number.isFinite(timeMs)) return undefined;
  return {
    type,
    time: new Date(timeMs).toISOString(),
    timeMs,
    level: typeof r.level === 'number' ? levelName(r.level) : String(r.level ?? ''),
    module: typeof r.module === 'string' ? r.module : '',
    msg: typeof r.msg === 'string' ? r.msg : '',
    file,
    record: r,
  };
}

const DAY_MS = 86_400_000;

/** A file can hold lines in [from, to] unless its day (± a day for time zones) or last write says not. */
function mayHold(f: LogFile, q: LogFilter): boolean {
  const dayStart = Date.parse(`${f.day}T00:00:00Z`);
  if (q.toMs !== undefined && dayStart - DAY_MS > q.toMs) return false;
  if (q.fromMs !== undefined && f.mtimeMs < q.fromMs) return false;
  return true;
}

/** One stream's lines in write order, past the time bound cut off (a stream is written in time order). */
async function* streamLines(files: LogFile[], q: LogFilter, stats: QueryStats): AsyncGenerator<LogLine> {
  for (const f of files) {
    if (!mayHold(f, q)) continue;
    stats.files++;
    for await (const raw of fileLines(f.path)) {
      if (raw !== null && raw.trim() === '') continue;
      stats.lines++;
      const line = raw === null ? undefined : parseLine(raw, f.type, f.name);
      if (line === undefined) {
        stats.malformed++;
        continue;
      }
      if (q.toMs !== undefined && line.timeMs > q.toMs) return;
      if (q.fromMs !== undefined && line.timeMs < q.fromMs) continue;
      if (!matches(line, raw as string, q)) continue;
      yield line;
    }
  }
}

function matches(line: LogLine, raw: string, q: LogFilter): boolean {
  if (q.level !== undefined && (line.record.level as number) < (LEVELS[q.level] ?? 0)) return false;
  if (q.module !== undefined && line.module !== q.module && !line.module.startsWith(`${q.module}.`))
    return false;
  if (q.grep !== undefined && !q.grep.test(raw)) return false;
  return true;
}

/**
 * The lines of `dir` that pass `filter`, oldest first (several streams merged by time). `stats`
 * counts files and lines read, malformed lines skipped and lines matched.
 */
export async function* queryLogs(
  dir: string,
  filter: LogFilter = {},
  stats: QueryStats = newQueryStats(),
): AsyncGenerator<LogLine> {
  const types = filter.types !== undefined && filter.types.length > 0 ? filter.types : LOG_TYPES;
  const files = await listLogFiles(dir, types);
  const heads: { it: AsyncGenerator<LogLine>; line: LogLine }[] = [];
  for (const type of types) {
    const it = streamLines(
      files.filter((f) => f.type === type),
      filter,
      stats,
    );
    const first = await it.next();
    if (!first.done) heads.push({ it, line: first.value });
  }
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  try {
    while (heads.length > 0 && stats.matched < limit) {
      let at = 0;
      for (let i = 1; i < heads.length; i++) if (heads[i]!.line.timeMs < heads[at]!.line.timeMs) at = i;
      const head = heads[at]!;
      stats.matched++;
      yield head.line;
      const next = await head.it.next();
      if (next.done) heads.splice(at, 1);
      else head.line = next.value;
    }
  } finally {
    // Stopped early (limit, a consumer that broke off): close the files still open.
    await Promise.all(heads.map((h) => h.it.return(undefined)));
  }
}
