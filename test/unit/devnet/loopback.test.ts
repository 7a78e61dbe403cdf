// Every port a local cluster node opens is on loopback: the config devnet writes for it, loaded as
// the node loads it, names only 127.0.0.1 addresses (p2p, RPC, management).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { writeNodeConfig } from '../../../devnet/layout.js';
import { loadNodeConfig } from '../../../node/config.js';
import { defaultP2POptions } from '../../../node/p2p/options.js';
import { isLoopbackAddress, isLoopbackMultiaddr } from '../../../runtime/loopback.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-loopback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a cluster node and the p2p defaults listen on loopback only', () => {
  mkdirSync(join(dir, 'node-0'));
  const node = writeNodeConfig({ dir }, 0, '00'.repeat(32), { p2p: 7000, rpc: 7001, mgmt: 7002 }, []);
  const c = loadNodeConfig(node.configPath);
  expect(c.p2p.listen.length).toBeGreaterThan(0);
  expect(c.p2p.listen.every(isLoopbackMultiaddr)).toBe(true);
  expect(isLoopbackAddress(c.rpc.listen)).toBe(true);
  expect(isLoopbackAddress(c.mgmt.listen)).toBe(true);
  expect(defaultP2POptions('00').listen.every(isLoopbackMultiaddr)).toBe(true);
  for (const a of ['0.0.0.0:1', '[::]:1', '10.0.0.1:1']) expect(isLoopbackAddress(a)).toBe(false);
  for (const a of ['/ip4/0.0.0.0/tcp/1', '/ip6/::/tcp/1']) expect(isLoopbackMultiaddr(a)).toBe(false);
  expect(isLoopbackMultiaddr('/ip6/::1/tcp/1')).toBe(true);
});
