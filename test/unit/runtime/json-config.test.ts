// The one JSON config loader (runtime/json-config.ts): read, parse, validate, one line per problem
// by path, the caller's error, and the folder relative paths resolve against.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadJsonConfig, parseConfig, resolvePathsAgainst } from '../../../runtime/json-config.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-json-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class ConfigError extends Error {}
const makeError = (message: string) => new ConfigError(message);
const schema = z.strictObject({
  name: z.string(),
  port: z.number().int().default(7000),
  sources: z.array(z.strictObject({ port: z.number() })).default([]),
});

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('config was accepted');
}

describe('loadJsonConfig', () => {
  it('returns the validated value with its defaults and the absolute folder of the file', () => {
    mkdirSync(join(dir, 'conf'), { recursive: true });
    writeFileSync(join(dir, 'conf', 'a.json'), JSON.stringify({ name: 'a' }));
    const { config, dir: base } = loadJsonConfig(join(dir, 'conf', 'a.json'), schema, makeError);
    expect(config).toEqual({ name: 'a', port: 7000, sources: [] });
    expect(base).toBe(join(dir, 'conf'));
  });

  it('names the file it cannot read or parse', () => {
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(refusal(() => loadJsonConfig(join(dir, 'broken.json'), schema, makeError))).toMatch(
      /^cannot read config .*broken\.json: /,
    );
    expect(refusal(() => loadJsonConfig(join(dir, 'missing.json'), schema, makeError))).toMatch(
      /^cannot read config .*missing\.json: /,
    );
  });

  it('lists every problem on its own line by path, array indices in brackets', () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ port: 'x', sources: [{ port: 1 }, { port: 'y' }], typo: 1 }),
    );
    const lines = refusal(() => loadJsonConfig(join(dir, 'bad.json'), schema, makeError)).split('\n');
    expect(lines[0]).toMatch(/^invalid config .*bad\.json:$/);
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf(':')).trim())).toEqual(
      expect.arrayContaining(['name', 'port', 'sources[1].port', '(root)']),
    );
    expect(lines.find((l) => l.includes('(root)'))).toContain('typo');
  });
});

describe('parseConfig and resolvePathsAgainst', () => {
  it('names the source in the message', () => {
    expect(refusal(() => parseConfig({}, schema, makeError, 'site config'))).toMatch(
      /^invalid site config:\n {2}name: /,
    );
  });

  it('makes relative paths absolute against the folder and keeps absolute ones', () => {
    const abs = resolvePathsAgainst('/etc/bkdms');
    expect(abs('data')).toBe('/etc/bkdms/data');
    expect(abs('../genesis.json')).toBe('/etc/genesis.json');
    expect(abs('/var/lib/bkdms')).toBe('/var/lib/bkdms');
  });
});
