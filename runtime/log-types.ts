// The log streams and how their files are named, shared by the writer (log-files.ts), the query
// engine (log-query.ts) and the backup (log-backup.ts). A stream's files are
// `<type>.<yyyy-MM-dd>.<n>.log` (pino-roll's naming: the day the file was opened, local time, and a
// number that grows within the day), so a stream's files sort by (day, number) in write order.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The log streams (docs/operations.md, "Log management"): what a line is about decides its stream. */
export const LOG_TYPES = ['operation', 'audit', 'consensus', 'contract'] as const;
export type LogType = (typeof LOG_TYPES)[number];

export const isLogType = (s: string): s is LogType => (LOG_TYPES as readonly string[]).includes(s);

/** pino's level numbers. */
export const LEVELS: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

export const levelName = (n: number): string =>
  Object.entries(LEVELS).find(([, v]) => v === n)?.[0] ?? String(n);

export interface LogFile {
  type: LogType;
  /** File name inside the folder. */
  name: string;
  path: string;
  /** The day in the name, "yyyy-MM-dd". */
  day: string;
  number: number;
  size: number;
  /** Last write (ms). */
  mtimeMs: number;
}

const fileName = /^(operation|audit|consensus|contract)\.(\d{4}-\d{2}-\d{2})\.(\d{1,9})\.log$/;

export function parseLogFileName(name: string): Pick<LogFile, 'type' | 'day' | 'number'> | undefined {
  const m = fileName.exec(name);
  if (m === null) return undefined;
  return { type: m[1] as LogType, day: m[2]!, number: Number(m[3]) };
}

const byWriteOrder = (a: LogFile, b: LogFile): number =>
  a.day === b.day ? a.number - b.number : a.day < b.day ? -1 : 1;

/** The log files of `types` in `dir`, each stream's in write order (oldest first). */
export async function listLogFiles(dir: string, types: readonly LogType[] = LOG_TYPES): Promise<LogFile[]> {
  const out: LogFile[] = [];
  for (const name of await readdir(dir)) {
    const p = parseLogFileName(name);
    if (p === undefined || !types.includes(p.type)) continue;
    const path = join(dir, name);
    // A file the retention sweep removed between readdir and stat is simply not there.
    const s = await stat(path).catch(() => undefined);
    if (s?.isFile()) out.push({ ...p, name, path, size: s.size, mtimeMs: s.mtimeMs });
  }
  return out.sort((a, b) => (a.type === b.type ? byWriteOrder(a, b) : a.type < b.type ? -1 : 1));
}
