// CPU time and memory of a process from Linux /proc: utime + stime (fields 14 and 15 of
// /proc/<pid>/stat, in clock ticks) and VmRSS / VmHWM (peak) of /proc/<pid>/status. Parsed after
// the command name, which may itself hold spaces and parentheses.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ, 100 on every Linux ABI node runs on). */
export const USER_HZ = 100;

export interface ProcSample {
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
  /**
   * Seconds the main thread was runnable but waited for a CPU (/proc/<pid>/schedstat, field 2):
   * when it grows as fast as the wall clock, the machine's other users, not the node, set the pace.
   */
  waitSeconds: number;
}

/** Run-queue wait in seconds from the text of /proc/<pid>/schedstat ("run_ns wait_ns slices"). */
export function parseSchedstat(text: string): number {
  const wait = Number(text.trim().split(/\s+/)[1]);
  if (!Number.isFinite(wait)) throw new Error('not a /proc/<pid>/schedstat line');
  return wait / 1e9;
}

/** CPU seconds from the text of /proc/<pid>/stat. */
export function parseProcStat(text: string): number {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // Fields after "(comm)" start at field 3 (state); utime is field 14, stime field 15.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in /proc stat');
  return (utime + stime) / USER_HZ;
}

/** A "Name:   1234 kB" field of /proc/<pid>/status, in bytes; NaN when absent. */
export function statusField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  return m === null ? Number.NaN : Number(m[1]) * 1024;
}

/** The process's sample now, or undefined when it is gone (or /proc is not there). */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds: parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
      rssBytes: statusField(status, 'VmRSS'),
      peakRssBytes: statusField(status, 'VmHWM'),
      waitSeconds: parseSchedstat(readFileSync(`/proc/${pid}/schedstat`, 'utf8')),
    };
  } catch {
    return undefined;
  }
}
