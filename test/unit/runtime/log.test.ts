// Logger factory (runtime/log.ts): spec parsing, per-module levels changed at run time, redaction
// of secrets, and the small Logger interface.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLogs,
  formatLogSpec,
  type Logger,
  levelFor,
  loggerFrom,
  parseLogSpec,
  redact,
  silentLogger,
} from '../../../runtime/log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (s: string) => lines.push(JSON.parse(s)) } };
}

describe('log spec', () => {
  it('parses a default level and module levels', () => {
    expect(parseLogSpec('info,p2p=debug,consensus=warn')).toEqual({
      defaultLevel: 'info',
      modules: { p2p: 'debug', consensus: 'warn' },
    });
    expect(parseLogSpec('p2p=trace')).toEqual({ defaultLevel: 'info', modules: { p2p: 'trace' } });
    expect(parseLogSpec(' error , api = silent ')).toEqual({
      defaultLevel: 'error',
      modules: { api: 'silent' },
    });
  });

  it('rejects unknown levels, bad module names and huge specs', () => {
    for (const bad of ['loud', 'p2p=loud', 'P2P=info', '=info', 'a b=info', `info,${'x'.repeat(2000)}=debug`])
      expect(() => parseLogSpec(bad)).toThrow(/BAD_CONFIG/);
  });

  it('formatting then parsing gives the same spec', () => {
    const level = fc.constantFrom('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent' as const);
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(\.[a-z][a-z0-9]{0,6})?$/);
    fc.assert(
      fc.property(level, fc.dictionary(name, level, { maxKeys: 6 }), (defaultLevel, modules) => {
        const spec = { defaultLevel, modules: { ...modules } };
        expect(parseLogSpec(formatLogSpec(spec))).toEqual(spec);
      }),
    );
  });

  it('a sub-module takes its nearest parent level', () => {
    const s = parseLogSpec('warn,p2p=debug,p2p.gossip=error');
    expect(levelFor(s, 'p2p.gossip')).toBe('error');
    expect(levelFor(s, 'p2p.dial')).toBe('debug');
    expect(levelFor(s, 'p2p.dial.tcp')).toBe('debug');
    expect(levelFor(s, 'store')).toBe('warn');
  });
});

describe('module loggers', () => {
  it('write JSON lines with the module name, at the level the spec gives it, changeable at run time', () => {
    const { lines, destination } = capture();
    const logs = createLogs({ spec: 'info,p2p=debug', destination, base: { node: 1 } });
    const p2p = logs.logger('p2p');
    const store = logs.logger('store');
    expect(logs.logger('p2p')).toBe(p2p);
    p2p.debug('dialing');
    store.debug('hidden');
    store.info({ height: 3 }, 'committed');
    expect(lines.map((l) => [l.module, l.msg])).toEqual([
      ['p2p', 'dialing'],
      ['store', 'committed'],
    ]);
    expect(lines[1]).toMatchObject({ node: 1, height: 3, level: 30 });
    logs.setLogSpec('error,store=debug');
    p2p.info('now hidden');
    store.debug('now shown');
    expect(lines.at(-1)).toMatchObject({ module: 'store', msg: 'now shown' });
    expect(lines).toHaveLength(3);
    expect(() => logs.setLogSpec('store=verbose')).toThrow(/BAD_CONFIG/);
    expect(logs.spec()).toBe('error,store=debug');
  });

  it('redacts anything named key, secret, passphrase or seed, at any depth', () => {
    const { lines, destination } = capture();
    const logs = createLogs({ destination });
    logs.logger('keys').info(
      {
        privateKey: 'aa',
        cfg: { passphrase: 'hunter2', nested: [{ seed: 's', secretKey: 'x', keyId: 'kid' }] },
        key: 'k',
        siteKeyId: 'id',
      },
      'loaded',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['"aa"', 'hunter2', '"s"', '"x"', '"k"']) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ siteKeyId: 'id', cfg: { nested: [{ keyId: 'kid' }] } });
  });

  it('redact stops at a bounded depth on cyclic input', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(JSON.stringify(redact(a))).toContain('[depth]');
  });
});

describe('the Logger interface', () => {
  it('takes pino argument order, with or without fields, and a pino logger is one', () => {
    const calls: unknown[][] = [];
    const log: Logger = loggerFrom((level, msg, meta) => calls.push([level, msg, meta]));
    log.warn({ seq: 3 }, 'refused');
    log.info('sealed');
    expect(calls).toEqual([
      ['warn', 'refused', { seq: 3 }],
      ['info', 'sealed', undefined],
    ]);
    const { lines, destination } = capture();
    const pinoLogger: Logger = createLogs({ destination }).logger('site');
    pinoLogger.error({ passphrase: 'p', seq: 1 }, 'failed');
    expect(lines[0]).toMatchObject({ module: 'site', msg: 'failed', seq: 1, passphrase: '[redacted]' });
    expect(() => silentLogger.info({ a: 1 }, 'nothing')).not.toThrow();
  });
});
