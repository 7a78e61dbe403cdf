// Log streams on real files (runtime/log.ts, runtime/log-files.ts): each stream in its own files,
// redaction in every stream, the audit stream's floor level, rotation by size, retention by count
// and by age (file times set, not waited for), the sweep at start.
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogs, LOG_TYPES } from '../../../runtime/log.js';
import { deleteLogFiles, sweepLogFiles } from '../../../runtime/log-files.js';
import { listLogFiles } from '../../../runtime/log-types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const big = { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 10, maxDays: 30 };
const quiet = { write: () => undefined };

function linesOf(type: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${type}.`))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('log streams in files', () => {
  it('each stream goes to its own file, and every line also to the main destination', async () => {
    const main: string[] = [];
    const logs = createLogs({ destination: { write: (s: string) => main.push(s) } });
    await logs.attachFiles({ dir, ...big });
    logs.logger('p2p').info('op line');
    logs.audit('admission').info({ peer: 'ipv4:1.2.3.4:5' }, 'audit line');
    logs.consensus('consensus').info({ height: 3 }, 'consensus line');
    logs.contract('ledger').info({ height: 3 }, 'contract line');
    await logs.close();
    expect(linesOf('operation').map((l) => l.msg)).toEqual(['op line']);
    expect(linesOf('audit').map((l) => [l.msg, l.module, l.log])).toEqual([
      ['audit line', 'admission', 'audit'],
    ]);
    expect(linesOf('consensus').map((l) => l.msg)).toEqual(['consensus line']);
    expect(linesOf('contract').map((l) => l.msg)).toEqual(['contract line']);
    expect(main).toHaveLength(4);
    const names = readdirSync(dir).sort();
    for (const t of LOG_TYPES)
      expect(names.some((n) => /^\w+\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(n) && n.startsWith(t))).toBe(true);
  });

  it('redacts secret-named fields in every stream', async () => {
    const logs = createLogs({ destination: quiet });
    await logs.attachFiles({ dir, ...big });
    for (const t of LOG_TYPES)
      logs
        .logger('keys', t)
        .info({ passphrase: 'pw-123', nested: { secretKey: 'sk-456' }, keyId: 'k1' }, 'x');
    await logs.close();
    for (const t of LOG_TYPES) {
      const [line] = linesOf(t);
      expect(line?.keyId).toBe('k1');
      expect(JSON.stringify(line)).not.toMatch(/pw-123|sk-456/);
    }
  });

  it('the audit stream writes info whatever the spec; the others follow it', async () => {
    const logs = createLogs({ spec: 'error', destination: quiet });
    await logs.attachFiles({ dir, ...big });
    logs.audit('mgmt').info('audited');
    logs.audit('mgmt').debug('audit debug stays out');
    logs.consensus('consensus').info('dropped');
    logs.setLogSpec('warn,consensus=debug');
    logs.consensus('consensus').debug('vote');
    await logs.close();
    expect(linesOf('audit').map((l) => l.msg)).toEqual(['audited']);
    expect(linesOf('consensus').map((l) => l.msg)).toEqual(['vote']);
  });

  it('lines after close reach the main destination only', async () => {
    const main: string[] = [];
    const logs = createLogs({ destination: { write: (s: string) => main.push(s) } });
    await logs.attachFiles({ dir, ...big });
    await logs.close();
    logs.logger('node').info('late');
    expect(main).toHaveLength(1);
    expect(linesOf('operation')).toEqual([]);
  });
});

describe('rotation and retention', () => {
  it('rotates by size into several files of one stream, read back in write order', async () => {
    const logs = createLogs({ destination: quiet });
    await logs.attachFiles({ dir, maxSizeBytes: 1024, maxFiles: 100, maxDays: 30 });
    const log = logs.logger('node');
    // A file rolls once its writes drain past the size: each batch is written before the next.
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 5; j++) log.info({ i: i * 5 + j }, 'filler line to grow the file');
      await logs.flush();
    }
    await logs.close();
    const files = await listLogFiles(dir, ['operation']);
    expect(files.length).toBeGreaterThan(3);
    const order = files.flatMap((f) =>
      readFileSync(f.path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { i: number }).i),
    );
    expect(order).toEqual([...Array(200).keys()]);
  });

  function oldFile(name: string, daysAgo: number, now: number): void {
    const p = join(dir, name);
    writeFileSync(p, '{}\n');
    const t = (now - daysAgo * 86_400_000) / 1000;
    utimesSync(p, t, t);
  }

  it('the sweep removes files beyond the count and past the age, never a stream newest', async () => {
    const now = Date.parse('2026-06-30T12:00:00Z');
    for (let n = 1; n <= 5; n++) oldFile(`operation.2026-06-29.${n}.log`, 1, now);
    oldFile('audit.2026-04-01.1.log', 90, now);
    oldFile('audit.2026-06-29.1.log', 1, now);
    oldFile('contract.2026-04-01.1.log', 90, now);
    oldFile('unrelated.txt', 90, now);
    const removed = await sweepLogFiles(dir, { maxFiles: 3, maxDays: 30 }, now);
    expect(removed.map((f) => f.name).sort()).toEqual([
      'audit.2026-04-01.1.log',
      'operation.2026-06-29.1.log',
      'operation.2026-06-29.2.log',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'audit.2026-06-29.1.log',
      'contract.2026-04-01.1.log',
      'operation.2026-06-29.3.log',
      'operation.2026-06-29.4.log',
      'operation.2026-06-29.5.log',
      'unrelated.txt',
    ]);
  });

  it('attaching files sweeps first, with the injected clock', async () => {
    const now = Date.now();
    oldFile('consensus.2020-01-01.1.log', 400, now);
    oldFile('consensus.2020-01-02.1.log', 399, now);
    const logs = createLogs({ destination: quiet });
    await logs.attachFiles({ dir, ...big, now: () => now });
    await logs.close();
    expect(readdirSync(dir)).not.toContain('consensus.2020-01-01.1.log');
  });

  it('deletion before a time keeps the newest file of each stream', async () => {
    const now = Date.parse('2026-06-30T12:00:00Z');
    oldFile('audit.2026-06-01.1.log', 29, now);
    oldFile('audit.2026-06-02.1.log', 28, now);
    oldFile('operation.2026-06-01.1.log', 29, now);
    const removed = await deleteLogFiles(dir, ['audit', 'operation'], now);
    expect(removed.map((f) => f.name)).toEqual(['audit.2026-06-01.1.log']);
  });
});
