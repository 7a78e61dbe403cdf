// The node's config file (node/config.ts): a good config is accepted with its defaults and its
// paths made absolute; a bad one is refused before anything starts, with every problem named by
// its field path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LISTEN, loadNodeConfig } from '../../../node/config.js';
import { NodeError, NodeErrorCode } from '../../../node/errors.js';
import { isLoopbackAddress, isLoopbackMultiaddr } from '../../../runtime/loopback.js';
import { runCli } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-node-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = () => ({
  dataDir: 'data',
  genesis: '../genesis.json',
  keystore: 'node.key',
  passphraseFile: '../passphrase',
  p2p: { listen: ['/ip4/127.0.0.1/tcp/7000'] },
  rpc: { listen: '127.0.0.1:7001', insecure: true },
  mgmt: { listen: '127.0.0.1:7002' },
});

let n = 0;
function write(config: unknown): string {
  const path = join(dir, `config-${n++}.json`);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

/** The message loadNodeConfig refuses `config` with (it must be a BAD_CONFIG NodeError). */
function refusal(config: unknown): string {
  try {
    loadNodeConfig(write(config));
  } catch (err) {
    expect(err).toBeInstanceOf(NodeError);
    expect((err as NodeError).code).toBe(NodeErrorCode.BadConfig);
    return (err as Error).message;
  }
  throw new Error('config was accepted');
}

describe('node config', () => {
  it('accepts a minimal config, fills the defaults and resolves paths against its folder', () => {
    const c = loadNodeConfig(write(good()));
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.genesis).toBe(join(dir, '..', 'genesis.json'));
    expect(c.keystore).toBe(join(dir, 'node.key'));
    expect(c.passphraseFile).toBe(join(dir, '..', 'passphrase'));
    expect(c.p2p.peers).toEqual([]);
    expect(c.p2p.observers).toEqual([]);
    expect(c.p2p.dialTimeoutMs).toBe(10_000);
    expect(c.p2p.pingIntervalMs).toBe(10_000);
    expect(c.p2p.pingMissesToClose).toBe(3);
    expect(c.log.spec).toBe('info');
    expect(c.consensus.tickMs).toBe(50);
    expect(c.mempool).toEqual({ maxEnvelopes: 200_000, maxBytes: 256 * 1024 ** 2 });
  });

  it("resolves retain.archiveDir against the config's folder, like the other paths", () => {
    const c = loadNodeConfig(write({ ...good(), retain: { blocks: 100, archiveDir: 'archive' } }));
    expect(c.retain).toMatchObject({ blocks: 100, archiveDir: join(dir, 'archive'), stepsPerRun: 8 });
    expect(loadNodeConfig(write(good())).retain).toBeUndefined();
  });

  it('accepts TLS instead of insecure, and absolute paths as they are', () => {
    const c = loadNodeConfig(
      write({
        ...good(),
        dataDir: '/var/lib/bkdms',
        rpc: { listen: '[::1]:7001', tls: { cert: 'a', key: 'b' } },
      }),
    );
    expect(c.dataDir).toBe('/var/lib/bkdms');
    expect(c.rpc.insecure).toBe(false);
    expect(c.rpc.tls).toEqual({ cert: join(dir, 'a'), key: join(dir, 'b') });
  });

  it('names every missing field', () => {
    const m = refusal({});
    for (const field of ['dataDir', 'genesis', 'keystore', 'p2p', 'rpc']) expect(m).toContain(`${field}:`);
    expect(m).toContain('config-');
  });

  it('names fields of the wrong type or out of range', () => {
    expect(refusal({ ...good(), consensus: { tickMs: '50' } })).toMatch(
      /consensus\.tickMs: .*expected number/,
    );
    expect(refusal({ ...good(), consensus: { tickMs: 1 } })).toMatch(/consensus\.tickMs: .*>=5/);
    expect(refusal({ ...good(), mempool: { maxBytes: 10 } })).toMatch(/mempool\.maxBytes: .*>=1024/);
    expect(refusal({ ...good(), p2p: { listen: [] } })).toContain('p2p.listen:');
    expect(refusal({ ...good(), p2p: { listen: ['/ip4/127.0.0.1/tcp/1'], observers: ['XYZ'] } })).toContain(
      'p2p.observers[0]:',
    );
    const listen = ['/ip4/127.0.0.1/tcp/1'];
    expect(refusal({ ...good(), p2p: { listen, dialTimeoutMs: 10 } })).toMatch(/p2p\.dialTimeoutMs: .*>=100/);
    expect(refusal({ ...good(), p2p: { listen, pingIntervalMs: 0.5 } })).toMatch(
      /p2p\.pingIntervalMs: .*expected int/,
    );
    expect(refusal({ ...good(), p2p: { listen, pingMissesToClose: 0 } })).toMatch(
      /p2p\.pingMissesToClose: .*>=1/,
    );
  });

  it('listens on loopback only, unless the config says otherwise', () => {
    const c = loadNodeConfig(
      write({ dataDir: 'd', genesis: 'g', keystore: 'k', p2p: {}, rpc: { insecure: true } }),
    );
    expect(c.p2p.listen).toEqual(['/ip4/127.0.0.1/tcp/7000']);
    expect(c.rpc.listen).toBe('127.0.0.1:7001');
    expect(c.mgmt).toEqual({ listen: '127.0.0.1:7002' });
    expect(c.p2p.listen.every(isLoopbackMultiaddr)).toBe(true);
    for (const a of [c.rpc.listen, c.mgmt.listen]) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of Object.values(DEFAULT_LISTEN))
      expect(a.startsWith('/') ? isLoopbackMultiaddr(a) : isLoopbackAddress(a)).toBe(true);
  });

  it('refuses a management port off loopback without mutual TLS, and resolves its TLS files', () => {
    for (const listen of ['0.0.0.0:7002', '[::]:7002', '10.0.0.5:7002'])
      expect(refusal({ ...good(), mgmt: { listen } })).toContain(
        'mgmt: mgmt.listen is off loopback: set mgmt.tls {cert, key, clientCa} (mutual TLS), or listen on 127.0.0.1',
      );
    // A TLS config without the client CA is not mutual TLS.
    expect(refusal({ ...good(), mgmt: { listen: '0.0.0.0:7002', tls: { cert: 'c', key: 'k' } } })).toContain(
      'mgmt.tls',
    );
    const c = loadNodeConfig(
      write({ ...good(), mgmt: { listen: '0.0.0.0:7002', tls: { cert: 'c', key: 'k', clientCa: 'ca' } } }),
    );
    expect(c.mgmt.tls).toEqual({ cert: join(dir, 'c'), key: join(dir, 'k'), clientCa: join(dir, 'ca') });
  });

  it('refuses plaintext RPC unless insecure is said explicitly', () => {
    const m = refusal({ ...good(), rpc: { listen: '127.0.0.1:7001' } });
    expect(m).toContain('rpc: set rpc.tls {cert, key[, clientCa]}, or rpc.insecure: true for plaintext');
  });

  it.each([
    ['rpc', '7001'],
    ['rpc', '127.0.0.1'],
    ['rpc', '127.0.0.1:port'],
    ['mgmt', 'http://127.0.0.1:7002'],
    ['mgmt', '127.0.0.1:99999'],
  ])('refuses %s.listen %s as not host:port', (field, listen) => {
    const c = good() as Record<string, unknown> & ReturnType<typeof good>;
    c[field] = { ...(c[field] as object), listen };
    const m = refusal(c);
    expect(m).toContain(`${field}.listen: expected host:port`);
    // One problem, one line.
    expect(m.split('expected host:port')).toHaveLength(2);
  });

  it('reports a misspelled field instead of ignoring it', () => {
    expect(refusal({ ...good(), consensus: { tickMS: 20 } })).toMatch(/consensus: .*tickMS/);
    expect(refusal({ ...good(), mempol: {} })).toContain('mempol');
  });

  it('says which file it cannot read or parse', () => {
    expect(refusal('{ not json')).toMatch(/cannot read config .*config-\d+\.json/);
    expect(() => loadNodeConfig(join(dir, 'missing.json'))).toThrow(/cannot read config .*missing\.json/);
  });

  it('`node start` refuses a bad config before starting anything', async () => {
    const path = write({ ...good(), rpc: { listen: '127.0.0.1:7001' } });
    await expect(runCli(['node', 'start', '--config', path])).rejects.toThrow(
      /invalid config .*rpc\.insecure/s,
    );
  });
  it('takes a V8 heap cap with a mempool byte cap that fits it, and refuses one that does not', () => {
    const c = loadNodeConfig(
      write({
        ...good(),
        memory: { maxOldSpaceMb: 160, maxSemiSpaceMb: 8 },
        mempool: { maxBytes: 64 * 1024 ** 2 },
      }),
    );
    expect(c.memory).toEqual({ maxOldSpaceMb: 160, maxSemiSpaceMb: 8 });
    expect(loadNodeConfig(write(good())).memory).toBeUndefined();
    // The default mempool byte cap (256 MiB) does not fit a 160 MB heap.
    expect(refusal({ ...good(), memory: { maxOldSpaceMb: 160 } })).toMatch(
      /mempool\.maxBytes.*maxOldSpaceMb/,
    );
    expect(refusal({ ...good(), memory: { maxOldSpaceMb: 64 }, mempool: { maxBytes: 1024 } })).toMatch(
      /memory\.maxOldSpaceMb/,
    );
    expect(refusal({ ...good(), memory: { maxOldSpaceMb: 512, maxHeap: 1 } })).toMatch(/maxHeap/);
  });
});
