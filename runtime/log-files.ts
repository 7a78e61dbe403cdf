// Each log stream written to its own files in a folder, rotated by size and by day (pino-roll),
// with retention by count and by age: pino-roll removes the oldest beyond the count at each roll,
// and a sweep (at start, then hourly) removes those past the age limit and beyond the count. The
// newest file of a stream is never removed: it is the one being written.
//
// Writes are asynchronous (sonic-boom), buffered up to a bound past which lines are dropped rather
// than held: log I/O never stalls the node. close() flushes what is buffered.
import { mkdir, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SonicBoom, SonicBoomOpts } from 'sonic-boom';
import { LOG_TYPES, type LogFile, type LogType, listLogFiles } from './log-types.js';

export interface LogFilesOptions {
  dir: string;
  /** A file is closed and the next one opened past this size (bytes). */
  maxSizeBytes: number;
  /** Files kept per stream, the one being written included. */
  maxFiles: number;
  /** Files whose last write is older than this many days are removed. */
  maxDays: number;
  /** The clock of the retention sweep (tests). */
  now?: () => number;
}

export const defaultLogFiles = { maxSizeMb: 50, maxFiles: 30, maxDays: 30 } as const;

const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 3_600_000;
/** Bytes a stream may hold unwritten before lines are dropped (sonic-boom maxLength). */
const MAX_BUFFERED = 16 * 1024 * 1024;
const CLOSE_TIMEOUT_MS = 5_000;

interface PinoRollOptions extends SonicBoomOpts {
  file: string;
  size?: string;
  frequency?: 'daily' | 'hourly' | number;
  extension?: string;
  dateFormat?: string;
  limit?: { count: number; removeOtherLogFiles?: boolean };
}
const pinoRoll = createRequire(import.meta.url)('pino-roll') as (o: PinoRollOptions) => Promise<SonicBoom>;

/**
 * Removes, per stream, the files beyond the newest `maxFiles` and those last written more than
 * `maxDays` ago; never a stream's newest file. Returns the files removed.
 */
export async function sweepLogFiles(
  dir: string,
  o: Pick<LogFilesOptions, 'maxFiles' | 'maxDays'>,
  now: number,
): Promise<LogFile[]> {
  const removed: LogFile[] = [];
  const files = await listLogFiles(dir);
  for (const type of LOG_TYPES) {
    const mine = files.filter((f) => f.type === type);
    const keepFrom = Math.max(0, mine.length - o.maxFiles);
    for (const [i, f] of mine.entries()) {
      if (i === mine.length - 1) break;
      if (i >= keepFrom && now - f.mtimeMs <= o.maxDays * DAY_MS) continue;
      // Gone already (pino-roll's own removal ran first): nothing to do.
      if (
        await unlink(f.path).then(
          () => true,
          () => false,
        )
      )
        removed.push(f);
    }
  }
  return removed;
}

/**
 * Removes the files of `types` last written before `beforeMs`, never a stream's newest file (the
 * one being written). Deletion outside the retention policy: its caller checks the administrator
 * and writes the audit line. Returns the files removed.
 */
export async function deleteLogFiles(
  dir: string,
  types: readonly LogType[],
  beforeMs: number,
): Promise<LogFile[]> {
  const removed: LogFile[] = [];
  const files = await listLogFiles(dir, types);
  for (const type of types) {
    const mine = files.filter((f) => f.type === type);
    for (const f of mine.slice(0, -1))
      if (
        f.mtimeMs < beforeMs &&
        (await unlink(f.path).then(
          () => true,
          () => false,
        ))
      )
        removed.push(f);
  }
  return removed;
}

interface SweepLog {
  info(meta: object, msg: string): void;
  error(meta: object, msg: string): void;
}

/**
 * One stream's file: counts the bytes handed to it and not yet written, from sonic-boom's public
 * events, so `settled()` can wait for them without reaching into its internals.
 */
class FileSink {
  private pending = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly dest: SonicBoom) {
    dest.on('write', (n: number) => this.done(n));
    dest.on('drop', (data: string | Buffer) => this.done(Buffer.byteLength(data)));
  }

  write(line: string): void {
    this.pending += Buffer.byteLength(line);
    this.dest.write(line);
  }

  private done(n: number): void {
    this.pending = Math.max(0, this.pending - n);
    if (this.pending === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once every byte handed over is written (or dropped), or after `timeoutMs`. */
  settled(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      const done = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      const finish = () => {
        clearTimeout(done);
        resolve();
      };
      this.dest.once('close', finish);
      this.dest.once('error', finish);
      this.dest.end();
    });
  }
}

const opened = (dest: SonicBoom): Promise<void> =>
  new Promise((resolve, reject) => {
    if ((dest as unknown as { fd: number }).fd >= 0) resolve();
    dest.once('ready', () => resolve());
    dest.once('error', reject);
  });

/** The open files of the streams; `write` is a no-op for a stream without one. */
export class LogFileSinks {
  private readonly files = new Map<LogType, FileSink>();
  private timer: NodeJS.Timeout | undefined;

  write(type: LogType, line: string): void {
    this.files.get(type)?.write(line);
  }

  async open(o: LogFilesOptions, log: SweepLog): Promise<void> {
    if (this.files.size > 0) return;
    await mkdir(o.dir, { recursive: true, mode: 0o750 });
    const now = o.now ?? Date.now;
    const sweep = async (): Promise<void> => {
      const removed = await sweepLogFiles(o.dir, o, now());
      if (removed.length > 0)
        log.info(
          { event: 'logs.retention', files: removed.map((f) => f.name) },
          'log files past retention removed',
        );
    };
    await sweep();
    for (const type of LOG_TYPES) {
      const dest = await pinoRoll({
        file: join(o.dir, type),
        extension: '.log',
        frequency: 'daily',
        dateFormat: 'yyyy-MM-dd',
        size: `${Math.max(1, Math.floor(o.maxSizeBytes))}b`,
        limit: { count: o.maxFiles, removeOtherLogFiles: true },
        mkdir: true,
        sync: false,
        maxLength: MAX_BUFFERED,
        mode: 0o640,
      });
      await opened(dest);
      const sink = new FileSink(dest);
      // A failing file (disk full, folder removed) stops that stream's file; the other
      // destinations go on. Reported once, on the operation stream.
      let failed = false;
      dest.on('error', (err: unknown) => {
        if (failed) return;
        failed = true;
        if (this.files.get(type) === sink) this.files.delete(type);
        log.error({ err, type }, 'log file failed: this stream is no longer written to its files');
      });
      this.files.set(type, sink);
    }
    this.timer = setInterval(() => {
      sweep().catch((err: unknown) => log.error({ err }, 'log retention sweep failed'));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  /** Resolves once every line handed to the files so far is written. */
  async flush(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.settled()));
  }

  /** Flushes and closes every file; later writes are dropped. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    const open = [...this.files.values()];
    this.files.clear();
    await Promise.all(open.map((f) => f.close()));
  }
}
