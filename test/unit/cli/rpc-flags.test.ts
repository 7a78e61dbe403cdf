// `bkdms status` / `bkdms trace` reach a node over TLS like the site and platform do: the choice of
// transport from the flags, then the real commands against a TLS and a mutual-TLS server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../api/server.js';
import type { ServerTls } from '../../../api/tls.js';
import { isLoopback, type RpcFlags, rpcTls } from '../../../cli/rpc-flags.js';
import { FakeNode, status } from '../api/fake-node.js';
import { makeTestCa, type TestCa } from '../api/test-ca.js';
import { runCli, runHelp } from './program.js';

/** Reads "files" as their own names, so a test sees which file went where. */
const read = (path: string): Uint8Array => new TextEncoder().encode(path);
const tls = (o: Omit<RpcFlags, 'rpc'> & { rpc?: string }) => rpcTls({ rpc: '10.0.0.5:7001', ...o }, read);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe('choice of transport', () => {
  it.each([
    ['127.0.0.1:7001', true],
    ['127.20.0.9:1', true],
    ['[::1]:7001', true],
    ['localhost:7001', true],
    ['LocalHost:7001', true],
    ['10.0.0.5:7001', false],
    ['[::2]:7001', false],
    ['node1.example.org:7001', false],
    ['127.0.0.1.example.org:7001', false],
    ['localhost.example.org:7001', false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });

  it('plaintext by default only on loopback; TLS with the system roots elsewhere', () => {
    expect(tls({ rpc: '127.0.0.1:7001' })).toEqual({ insecure: true });
    expect(tls({ rpc: '[::1]:7001' })).toEqual({ insecure: true });
    expect(tls({})).toEqual({});
  });

  it('--insecure is plaintext anywhere; a TLS flag is TLS even on loopback', () => {
    expect(tls({ insecure: true })).toEqual({ insecure: true });
    const local = tls({ rpc: 'localhost:7001', tlsCa: 'ca.pem' });
    expect(local).not.toHaveProperty('insecure');
    expect(text((local as { ca?: Uint8Array }).ca)).toBe('ca.pem');
  });

  it('mutual TLS takes the certificate and key files', () => {
    const t = tls({ tlsCa: 'ca.pem', tlsCert: 'me.crt', tlsKey: 'me.key' }) as Record<string, Uint8Array>;
    expect([text(t.ca), text(t.cert), text(t.key)]).toEqual(['ca.pem', 'me.crt', 'me.key']);
    expect(text((tls({ tlsCert: 'me.crt', tlsKey: 'me.key' }) as Record<string, Uint8Array>).cert)).toBe(
      'me.crt',
    );
  });

  it('refuses contradictory or half flags', () => {
    expect(() => tls({ insecure: true, tlsCa: 'ca.pem' })).toThrow(/--insecure cannot go with/);
    expect(() => tls({ tlsCert: 'me.crt' })).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => tls({ rpc: '127.0.0.1:1', tlsKey: 'me.key' })).toThrow(/go together/);
  });

  it.each(['status', 'trace'])('bkdms %s --help lists the TLS flags', async (cmd) => {
    const r = await runHelp([cmd]);
    for (const flag of ['--rpc', '--tls-ca', '--tls-cert', '--tls-key', '--insecure'])
      expect(r.out).toContain(flag);
  });
});

describe('bkdms status over TLS', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeTestCa();
  });
  afterAll(() => ca.remove());

  async function withServer(t: ServerTls, run: (rpc: string) => Promise<void>): Promise<void> {
    const server = await startApiServer(new FakeNode(), { listen: '127.0.0.1:0', tls: t });
    try {
      // A loopback name the server certificate holds: TLS only because a --tls-* flag asks for it.
      await run(`localhost:${server.port}`);
    } finally {
      await server.stop(100);
    }
  }

  const height = async (args: string[]): Promise<number> =>
    (JSON.parse(await runCli(['status', ...args])) as { height: number }).height;

  it('reaches a TLS node with --tls-ca; the loopback plaintext default does not', async () => {
    await withServer({ cert: ca.pem('server.crt'), key: ca.pem('server.key') }, async (rpc) => {
      expect(await height(['--rpc', rpc, '--tls-ca', ca.path('ca.crt')])).toBe(status.height);
      await expect(runCli(['status', '--rpc', rpc])).rejects.toMatchObject({ code: 'TRANSPORT' });
    });
  }, 30_000);

  it('reaches a mutual-TLS node with --tls-cert/--tls-key, not without', async () => {
    const t = { cert: ca.pem('server.crt'), key: ca.pem('server.key'), clientCa: ca.pem('ca.crt') };
    await withServer(t, async (rpc) => {
      const mine = ['--tls-cert', ca.path('client.crt'), '--tls-key', ca.path('client.key')];
      expect(await height(['--rpc', rpc, '--tls-ca', ca.path('ca.crt'), ...mine])).toBe(status.height);
      await expect(runCli(['status', '--rpc', rpc, '--tls-ca', ca.path('ca.crt')])).rejects.toMatchObject({
        code: 'TRANSPORT',
      });
    });
  }, 30_000);

  it('refuses --insecure with a TLS flag before connecting', async () => {
    await expect(
      runCli(['status', '--rpc', '127.0.0.1:1', '--insecure', '--tls-ca', ca.path('ca.crt')]),
    ).rejects.toThrow('--insecure cannot go with --tls-ca, --tls-cert or --tls-key');
  });
});
