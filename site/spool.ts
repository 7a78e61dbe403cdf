// The temporary store of collected readings (Y.4907 §8.1 "Storage"): one append-only JSON Lines
// file per processing period, fsynced before the source is told the batch is stored. A crash
// loses no acknowledged reading; a reading re-read after a crash (its cursor not yet saved) is
// spooled twice and removed at load time by its (source, id) key.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appendDurable, removeDurable, writeFileDurable } from './fs-durable.js';
import type { SourceReading } from './reading.js';

export interface SpoolLoad {
  readings: SourceReading[];
  /** Lines that did not parse (a torn write from a crash before fsync returned). */
  corrupt: number;
  /** Readings seen more than once (re-read after a restart). */
  duplicates: number;
  /** File size when loaded: what release() may drop. */
  bytes: number;
}

export function periodStart(time: number, periodMs: number): number {
  return Math.floor(time / periodMs) * periodMs;
}

export class Spool {
  private readonly bytes = new Map<number, number>();

  constructor(
    private readonly dir: string,
    private readonly periodMs: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) {
      const m = /^(\d+)\.jsonl$/.exec(f);
      if (m) this.bytes.set(Number(m[1]), statSync(join(dir, f)).size);
    }
  }

  /** Period starts with spooled readings, oldest first. */
  periods(): number[] {
    return [...this.bytes.keys()].sort((a, b) => a - b);
  }

  totalBytes(): number {
    let n = 0;
    for (const b of this.bytes.values()) n += b;
    return n;
  }

  /** Appends readings to their periods' files and fsyncs each file before returning. */
  append(readings: SourceReading[]): void {
    const byPeriod = new Map<number, string[]>();
    for (const r of readings) {
      const p = periodStart(r.time, this.periodMs);
      const lines = byPeriod.get(p) ?? [];
      if (lines.length === 0) byPeriod.set(p, lines);
      lines.push(JSON.stringify(r));
    }
    for (const [p, lines] of byPeriod) {
      const data = `${lines.join('\n')}\n`;
      appendDurable(this.file(p), data);
      this.bytes.set(p, (this.bytes.get(p) ?? 0) + Buffer.byteLength(data));
    }
  }

  /** Reads one period's readings back, deduplicated, in spool order. */
  load(period: number): SpoolLoad {
    const out: SpoolLoad = { readings: [], corrupt: 0, duplicates: 0, bytes: 0 };
    let buf: Buffer;
    try {
      buf = readFileSync(this.file(period));
    } catch {
      return out;
    }
    out.bytes = buf.length;
    const text = buf.toString('utf8');
    const seen = new Set<string>();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const r = parseSpooled(line);
      if (r === null) {
        out.corrupt++;
        continue;
      }
      const key = `${r.source}\u0000${r.id}`;
      if (seen.has(key)) out.duplicates++;
      else {
        seen.add(key);
        out.readings.push(r);
      }
    }
    return out;
  }

  /** Forgets a period (all of its file). */
  remove(period: number): void {
    removeDurable(this.file(period));
    this.bytes.delete(period);
  }

  /**
   * Forgets the first `loadedBytes` of a period's file once they are safely sealed. Readings
   * appended after the load (while the envelopes were being made) are kept, to be handled
   * as late on the next round rather than lost.
   */
  release(period: number, loadedBytes: number): void {
    const size = this.bytes.get(period) ?? 0;
    if (size <= loadedBytes) {
      this.remove(period);
      return;
    }
    const tail = readFileSync(this.file(period)).subarray(loadedBytes);
    writeFileDurable(this.file(period), tail);
    this.bytes.set(period, tail.length);
  }

  private file(period: number): string {
    return join(this.dir, `${period}.jsonl`);
  }
}

/** Spool lines were written by this module, so a shape check (not full validation) suffices. */
function parseSpooled(line: string): SourceReading | null {
  try {
    const r = JSON.parse(line) as SourceReading;
    const ok =
      typeof r.kpi === 'string' &&
      typeof r.series === 'string' &&
      typeof r.value === 'number' &&
      typeof r.unit === 'string' &&
      typeof r.time === 'number' &&
      typeof r.source === 'string' &&
      typeof r.id === 'string' &&
      typeof r.flags === 'number';
    return ok ? r : null;
  } catch {
    return null;
  }
}
