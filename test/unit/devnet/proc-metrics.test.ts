import { describe, expect, it } from 'vitest';
import { parseMetrics } from '../../../devnet/load/node-metrics.js';
import {
  parseProcStat,
  parseSchedstat,
  sampleProcess,
  statusField,
  USER_HZ,
} from '../../../devnet/load/proc-stats.js';

describe('/proc parsing', () => {
  it('reads utime + stime after a command name holding spaces and parentheses', () => {
    const line = '1234 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100 2000 30';
    expect(parseProcStat(line)).toBe(300 / USER_HZ);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow();
  });

  it('reads kB fields of /proc/<pid>/status in bytes', () => {
    const text = 'Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n';
    expect(statusField(text, 'VmRSS')).toBe(1024 * 1024);
    expect(statusField(text, 'VmHWM')).toBe(2048 * 1024);
    expect(statusField(text, 'VmSwap')).toBeNaN();
  });

  it('reads the run-queue wait of /proc/<pid>/schedstat in seconds', () => {
    expect(parseSchedstat('123456 2500000000 42\n')).toBe(2.5);
    expect(() => parseSchedstat('')).toThrow();
  });

  it('samples this process and nothing for a pid that does not exist', () => {
    const s = sampleProcess(process.pid);
    expect(s).toBeDefined();
    expect(s!.rssBytes).toBeGreaterThan(0);
    expect(s!.peakRssBytes).toBeGreaterThanOrEqual(s!.rssBytes);
    expect(sampleProcess(2 ** 30)).toBeUndefined();
  });
});

describe('parseMetrics', () => {
  it('sums labelled samples per name and skips comments and bad lines', () => {
    const m = parseMetrics(
      [
        '# HELP bkdms_view_changes_total x',
        'bkdms_view_changes_total{node="0"} 2',
        'bkdms_view_changes_total{node="1"} 3',
        'bkdms_block_height 17',
        'not a metric line at all {',
        'bkdms_bad NaNx',
      ].join('\n'),
    );
    expect(m.get('bkdms_view_changes_total')).toBe(5);
    expect(m.get('bkdms_block_height')).toBe(17);
    expect(m.has('bkdms_bad')).toBe(false);
  });
});
