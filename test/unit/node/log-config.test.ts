// The node config's `logs` section (node/config.ts, node/log-config.ts): optional, its folder made
// absolute against the config file, sane defaults, bad values refused by field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../../node/config.js';
import { logFilesOf } from '../../../node/log-config.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-log-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function load(extra: object) {
  const path = join(dir, `config-${n++}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      dataDir: 'data',
      genesis: 'genesis.json',
      keystore: 'node.key',
      p2p: { listen: ['/ip4/127.0.0.1/tcp/7000'] },
      rpc: { listen: '127.0.0.1:7001', insecure: true },
      mgmt: { listen: '127.0.0.1:7002' },
      ...extra,
    }),
  );
  return loadNodeConfig(path);
}

describe('node config: logs', () => {
  it('is absent unless configured', () => {
    expect(load({}).logs).toBeUndefined();
  });

  it('resolves the folder against the config file and fills the defaults', () => {
    const c = load({ logs: { dir: 'logs' } });
    expect(c.logs).toEqual({ dir: join(dir, 'logs'), maxSizeMb: 50, maxFiles: 30, maxDays: 30 });
    expect(logFilesOf(c.logs!)).toEqual({
      dir: join(dir, 'logs'),
      maxSizeBytes: 50 * 1024 * 1024,
      maxFiles: 30,
      maxDays: 30,
    });
  });

  it('refuses out-of-range values and unknown fields, naming the field', () => {
    expect(() => load({ logs: { dir: 'l', maxFiles: 0 } })).toThrow(/logs\.maxFiles/);
    expect(() => load({ logs: { dir: 'l', maxSizeMb: -1 } })).toThrow(/logs\.maxSizeMb/);
    expect(() => load({ logs: { dir: 'l', maxAge: 3 } })).toThrow(/maxAge/);
    expect(() => load({ logs: {} })).toThrow(/logs\.dir/);
  });
});
