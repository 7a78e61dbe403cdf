// The log query engine (runtime/log-query.ts) and backups (runtime/log-backup.ts) on real files:
// filters by stream, time, level, module and pattern across rotated files, streams merged by time,
// malformed lines counted and skipped; a backup's manifest hashes match and a tampered archive
// fails verification.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupLogs, verifyBackup } from '../../../runtime/log-backup.js';
import { type LogFilter, type LogLine, newQueryStats, queryLogs } from '../../../runtime/log-query.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-logq-'));
  // Two rotated operation files, one audit file, one consensus file; times interleave across them.
  file('operation.2026-06-01.1.log', [
    line(1, 30, 'p2p', 'dialed peer'),
    line(3, 40, 'p2p.gossip', 'gossip slow'),
    'not json at all',
  ]);
  file('operation.2026-06-01.2.log', [
    line(5, 50, 'store', 'disk error'),
    '[1,2]',
    line(7, 30, 'rpc', 'rpc up'),
  ]);
  file('audit.2026-06-01.1.log', [
    line(2, 30, 'admission', 'upload refused'),
    line(6, 30, 'mgmt', 'log spec set'),
  ]);
  file('consensus.2026-06-01.1.log', [
    line(4, 20, 'consensus', 'vote sent'),
    `{"time":"${'x'.repeat(2 * 1024 * 1024)}"}`,
  ]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-06-01T10:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

function line(s: number, level: number, module: string, msg: string): string {
  return JSON.stringify({ level, time: at(s), pid: 1, module, msg });
}

function file(name: string, lines: string[]): void {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  const t = (T0 + 3_600_000) / 1000;
  utimesSync(p, t, t);
}

async function run(filter: LogFilter = {}) {
  const stats = newQueryStats();
  const lines: LogLine[] = [];
  for await (const l of queryLogs(dir, filter, stats)) lines.push(l);
  return { msgs: lines.map((l) => l.msg), lines, stats };
}

describe('queryLogs', () => {
  it('merges every stream by time across rotated files and counts malformed lines', async () => {
    const { msgs, lines, stats } = await run();
    expect(msgs).toEqual([
      'dialed peer',
      'upload refused',
      'gossip slow',
      'vote sent',
      'disk error',
      'log spec set',
      'rpc up',
    ]);
    expect(lines[1]).toMatchObject({
      type: 'audit',
      level: 'info',
      module: 'admission',
      file: 'audit.2026-06-01.1.log',
    });
    // "not json at all", "[1,2]" and the 2 MiB line.
    expect(stats.malformed).toBe(3);
    expect(stats.matched).toBe(7);
  });

  it('filters by stream, level, module (with sub-modules), pattern and limit', async () => {
    expect((await run({ types: ['audit'] })).msgs).toEqual(['upload refused', 'log spec set']);
    expect((await run({ types: ['operation'], level: 'warn' })).msgs).toEqual(['gossip slow', 'disk error']);
    expect((await run({ module: 'p2p' })).msgs).toEqual(['dialed peer', 'gossip slow']);
    expect((await run({ grep: /refused|spec/ })).msgs).toEqual(['upload refused', 'log spec set']);
    expect((await run({ limit: 2 })).msgs).toEqual(['dialed peer', 'upload refused']);
    expect((await run({ level: 'debug', types: ['consensus'] })).msgs).toEqual(['vote sent']);
  });

  it('filters by time, inclusive at both ends', async () => {
    const { msgs } = await run({ fromMs: T0 + 3000, toMs: T0 + 6000 });
    expect(msgs).toEqual(['gossip slow', 'vote sent', 'disk error', 'log spec set']);
  });

  it('reads nothing from files last written before the range', async () => {
    const { msgs, stats } = await run({ fromMs: T0 + 2 * 3_600_000 });
    expect(msgs).toEqual([]);
    expect(stats.files).toBe(0);
  });
});

describe('log backups', () => {
  it('archives the files of a range with a manifest whose hashes match; verify accepts it', async () => {
    const out = join(dir, 'backup.tar.gz');
    const manifest = await backupLogs(dir, out, { fromMs: T0, toMs: T0 + 10_000 });
    expect(manifest.files.map((f) => f.name)).toEqual([
      'audit.2026-06-01.1.log',
      'consensus.2026-06-01.1.log',
      'operation.2026-06-01.1.log',
      'operation.2026-06-01.2.log',
    ]);
    for (const f of manifest.files) {
      const bytes = readFileSync(join(dir, f.name));
      expect(f.size).toBe(bytes.length);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    const v = await verifyBackup(out);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.manifest?.files).toEqual(manifest.files);
  });

  it('leaves out files whose first line is after the range', async () => {
    const manifest = await backupLogs(dir, join(dir, 'b.tar.gz'), { toMs: T0 + 2500 });
    expect(manifest.files.map((f) => f.name)).toEqual([
      'audit.2026-06-01.1.log',
      'operation.2026-06-01.1.log',
    ]);
  });

  it('a tampered archive fails verification', async () => {
    const out = join(dir, 'backup.tar.gz');
    await backupLogs(dir, out, {});
    const tar = gunzipSync(readFileSync(out));
    // One byte of the first file's content (after its 512-byte header) changed; gzip redone so
    // only the manifest can tell.
    tar[512] = tar[512]! ^ 0x01;
    writeFileSync(out, gzipSync(tar));
    const v = await verifyBackup(out);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(['audit.2026-06-01.1.log: SHA-256 differs from the manifest']);
  });

  it('a damaged or cut archive fails verification without throwing', async () => {
    const out = join(dir, 'backup.tar.gz');
    await backupLogs(dir, out, {});
    const bytes = readFileSync(out);
    writeFileSync(out, bytes.subarray(0, bytes.length >> 1));
    const v = await verifyBackup(out);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatch(/archive unreadable/);
  });
});
