// Reads a text file line by line from a byte offset, one-shot or following appends (tail -f),
// for the CSV and JSON Lines sources. The cursor is the byte offset just after the last complete
// line delivered, so a restart resumes exactly there; a partial last line waits for its newline.
import { open } from 'node:fs/promises';
import { SiteError, SiteErrorCode } from '../errors.js';
import type { SourceReading } from '../reading.js';
import { type InvalidReading, pause, type ReadingBatch, type Source } from './source.js';

export interface LineFileOptions {
  /** Source name used in readings, logs and counters. */
  name: string;
  path: string;
  /** Keep reading appended lines after EOF instead of ending. */
  follow: boolean;
  /** Poll interval in follow mode, ms. */
  pollMs: number;
  /** Lines per batch. */
  batchLines: number;
  /** Longest accepted line in bytes; longer lines are skipped and counted invalid. */
  maxLineBytes: number;
  /** Byte offset to resume from (a cursor from an earlier run). */
  startCursor?: string;
}

/** What a line parser returns: a reading, an invalid row, or null to skip silently (blank, header). */
export type LineResult = SourceReading | InvalidReading | null;

const chunkBytes = 64 * 1024;

export abstract class LineFileSource implements Source {
  readonly name: string;
  private atEof = false;

  constructor(protected readonly opts: LineFileOptions) {
    this.name = opts.name;
  }

  caughtUp(): boolean {
    return this.atEof;
  }

  /** Called once before the first data line is parsed, with the file open (e.g. to read a CSV header). */
  protected abstract prepare(
    readLine: (offset: number) => Promise<{ line: string; next: number } | null>,
  ): Promise<number>;

  /** Parses one line; `id` is unique within the file (its byte offset). */
  protected abstract parseLine(line: string, id: string): LineResult;

  async *batches(signal: AbortSignal): AsyncIterable<ReadingBatch> {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.opts.path, 'r');
    } catch (err) {
      throw new SiteError(
        SiteErrorCode.SourceFailed,
        `cannot open ${this.opts.path}: ${(err as Error).message}`,
        {
          source: this.name,
        },
      );
    }
    try {
      const readLine = async (offset: number): Promise<{ line: string; next: number } | null> => {
        const buf = Buffer.alloc(this.opts.maxLineBytes + 1);
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl < 0) return null;
        return { line: buf.toString('utf8', 0, nl).replace(/\r$/, ''), next: offset + nl + 1 };
      };
      const st: LineState = {
        offset: Math.max(await this.prepare(readLine), Number(this.opts.startCursor ?? 0) || 0),
        pending: Buffer.alloc(0),
        skipping: false,
      };
      const chunk = Buffer.alloc(chunkBytes);
      while (!signal.aborted) {
        const batch = this.takeLines(st);
        if (batch.readings.length + batch.invalid.length > 0) {
          yield { ...batch, cursor: String(st.offset) };
          continue;
        }
        const { bytesRead } = await fh.read(chunk, 0, chunkBytes, st.offset + st.pending.length);
        if (bytesRead === 0) {
          this.atEof = true;
          if (!this.opts.follow) return;
          await pause(this.opts.pollMs, signal);
          continue;
        }
        this.atEof = false;
        st.pending = Buffer.concat([st.pending, chunk.subarray(0, bytesRead)]);
      }
    } finally {
      await fh.close();
    }
  }

  /** Consumes up to batchLines complete lines from the buffer; bounds what an unterminated line may hold. */
  private takeLines(st: LineState): ReadingBatch {
    const batch: ReadingBatch = { readings: [], invalid: [] };
    let start = 0;
    for (let nl = st.pending.indexOf(10); nl >= 0; nl = st.pending.indexOf(10, start)) {
      const id = String(st.offset + start);
      if (st.skipping) st.skipping = false;
      else if (nl - start > this.opts.maxLineBytes) batch.invalid.push(this.oversized(id));
      else this.collect(st.pending.toString('utf8', start, nl).replace(/\r$/, ''), id, batch);
      start = nl + 1;
      if (batch.readings.length + batch.invalid.length >= this.opts.batchLines) break;
    }
    st.offset += start;
    st.pending = st.pending.subarray(start);
    // An unterminated line past the cap: count it once, then discard bytes until its newline.
    if (st.pending.indexOf(10) < 0 && (st.skipping || st.pending.length > this.opts.maxLineBytes)) {
      if (!st.skipping) batch.invalid.push(this.oversized(String(st.offset)));
      st.skipping = true;
      st.offset += st.pending.length;
      st.pending = Buffer.alloc(0);
    }
    return batch;
  }

  private collect(line: string, id: string, batch: ReadingBatch): void {
    if (line.trim() === '') return;
    const r = this.parseLine(line, id);
    if (r === null) return;
    if ('reason' in r) batch.invalid.push(r);
    else batch.readings.push(r);
  }

  private oversized(id: string): InvalidReading {
    return { source: this.name, id, reason: `line longer than ${this.opts.maxLineBytes} bytes` };
  }
}

interface LineState {
  /** File offset of pending[0]. */
  offset: number;
  pending: Buffer;
  /** Inside an oversized line whose head was already discarded. */
  skipping: boolean;
}
