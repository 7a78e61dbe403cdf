// The Management service of one node started in this process (the other validators of its genesis
// stay down): GetNodeInfo's fields with secrets redacted, configured peers listed as down, the
// admin-authenticated SetLogLevel, AckAlarm and DeleteLogs refused and accepted as documented,
// and WatchNode's samples ending cleanly when the client cancels.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../../api/admin-call.js';
import { signAdminRequest } from '../../api/admin-request.js';
import { alarmsService } from '../../api/alarms.js';
import { ApiErrorCode } from '../../api/errors.js';
import { logsService } from '../../api/logs-binding.js';
import { ManagementClient, SET_LOG_LEVEL_PATH } from '../../api/management-client.js';
import { toHex } from '../../crypto/bytes.js';
import { type ed25519FromSeed, generateEd25519 } from '../../crypto/ed25519.js';
import { sha256 } from '../../crypto/hash.js';
import { ed25519Of } from '../../crypto/key-formats.js';
import { readKeystore } from '../../crypto/keystore.js';
import { type ClusterLayout, prepareCluster } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { loadNodeConfig } from '../../node/config.js';
import { type RunningNode, startNode } from '../../node/node.js';
import { peerIdOfPublicKey } from '../../node/p2p/index.js';
import { bkdms } from '../support/bkdms-cli.js';

let dir: string;
let layout: ClusterLayout;
let node: RunningNode;
let client: ManagementClient;
let passphrase: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-mgmt-'));
  layout = await prepareCluster({ dir, n: 4, ports: await freeNodePorts(4), logSpec: 'warn', tickMs: 20 });
  const path = layout.nodes[0]!.configPath;
  const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...file, org: 'City of Geneva' }));
  passphrase = readFileSync(layout.passphraseFile, 'utf8').split('\n')[0]!;
  node = await startNode(loadNodeConfig(path), passphrase);
  client = new ManagementClient({ address: `127.0.0.1:${node.rpcPort}`, tls: { insecure: true } });
}, 60_000);

afterAll(async () => {
  client?.close();
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function reason(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (err: { code: string }) => err.code,
  );
}

describe('GetNodeInfo', () => {
  it('names the node, its software, hardware, config and chain, with secrets redacted', async () => {
    const info = await client.getNodeInfo();
    const self = layout.nodes[0]!;
    expect(info.identity).toEqual({
      peerId: peerIdOfPublicKey(Buffer.from(self.publicKey, 'hex')),
      validatorIndex: 0,
      org: 'City of Geneva',
      publicKey: self.publicKey,
      chainId: layout.chainId,
    });
    for (const v of [info.software.libp2p, info.software.grpcJs, info.software.classicLevel])
      expect(v).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.software.node).toBe(process.version);
    expect(info.hardware.cpuCores).toBeGreaterThan(0);
    expect(info.hardware.memoryTotalBytes).toBeGreaterThan(0);
    expect(info.hardware.diskTotalBytes).toBeGreaterThan(0);
    expect(info.hardware.diskFreeBytes).toBeGreaterThan(0);
    const config = JSON.parse(info.config.json) as Record<string, unknown>;
    expect(config.passphraseFile).toBe('[redacted]');
    expect(config.org).toBe('City of Geneva');
    expect(info.config.json).not.toContain(layout.passphraseFile);
    expect(info.config.sha256).toBe(toHex(sha256(new TextEncoder().encode(info.config.json))));
    expect(info.sync.height).toBe(0);
    expect(info.sync.stateRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(info.sync.latestBlockHash).toBe(layout.chainId);
  });
});

describe('ListPeers', () => {
  it('lists every configured peer, none of them up', async () => {
    const { peers } = await client.listPeers();
    const others = layout.nodes.slice(1).map((n) => peerIdOfPublicKey(Buffer.from(n.publicKey, 'hex')));
    expect(peers.map((p) => p.peerId).sort()).toEqual([...others].sort());
    for (const p of peers) {
      expect(p.configured).toBe(true);
      expect(['DOWN', 'DIALING']).toContain(p.state);
      expect(p.direction).toBe('');
      expect(p.validatorIndex).toBeGreaterThan(0);
    }
  });
});

describe('SetLogLevel', () => {
  const signedBy = async (key: ReturnType<typeof ed25519FromSeed>, spec: string, time = Date.now()) => {
    const info = await client.getNodeInfo();
    return signAdminRequest(key, {
      chainId: Buffer.from(info.identity.chainId, 'hex'),
      audience: info.identity.peerId,
      method: SET_LOG_LEVEL_PATH,
      request: ManagementClient.setLogLevelBytes(spec),
      time,
    });
  };

  it('is refused unsigned, badly signed, stale, replayed or from a non-admin', async () => {
    const before = node.logs.spec();
    expect(await reason(client.setLogLevelWith('debug', new Metadata()))).toBe(ApiErrorCode.Unauthenticated);
    const admin = ed25519Of(await readKeystore(layout.adminKeystore, passphrase));
    // Signed for another spec than the one sent.
    const other = await signedBy(admin, 'trace');
    expect(await reason(client.setLogLevelWith('debug', other))).toBe(ApiErrorCode.Unauthenticated);
    const stale = await signedBy(admin, 'debug', Date.now() - 10 * 60_000);
    expect(await reason(client.setLogLevelWith('debug', stale))).toBe(ApiErrorCode.Unauthenticated);
    const stranger = await signedBy(generateEd25519(), 'debug');
    expect(await reason(client.setLogLevelWith('debug', stranger))).toBe(ApiErrorCode.PermissionDenied);
    expect(node.logs.spec()).toBe(before);

    const ok = await signedBy(admin, 'warn,p2p=debug');
    const res = await client.setLogLevelWith('warn,p2p=debug', ok);
    expect(res.spec).toBe('warn,p2p=debug');
    expect(res.admin).toMatch(/^key:[0-9a-f]{32}$/);
    expect(node.logs.spec()).toBe('warn,p2p=debug');
    expect(await reason(client.setLogLevelWith('warn,p2p=debug', ok))).toBe(ApiErrorCode.Unauthenticated);
  });

  it('is accepted from the admin key through the client, and a bad spec changes nothing', async () => {
    const admin = ed25519Of(await readKeystore(layout.adminKeystore, passphrase));
    expect((await client.setLogLevel('warn,consensus=error', admin)).spec).toBe('warn,consensus=error');
    expect(await reason(client.setLogLevel('loud', admin))).toBe(ApiErrorCode.InvalidArgument);
    expect(node.logs.spec()).toBe('warn,consensus=error');
  });
});

describe('WatchNode', () => {
  it('yields samples until the client cancels, and the node ends the stream', async () => {
    const abort = new AbortController();
    const samples = [];
    for await (const s of client.watchNode(0, abort.signal)) {
      samples.push(s);
      if (samples.length === 3) abort.abort();
    }
    expect(samples).toHaveLength(3);
    for (const s of samples) {
      expect(s.rssBytes).toBeGreaterThan(0);
      expect(s.heapUsedBytes).toBeGreaterThan(0);
      expect(s.dataBytes).toBeGreaterThan(0);
      expect(s.peers).toHaveLength(3);
    }
    expect(samples[2]!.time).toBeGreaterThan(samples[0]!.time);
    // The node saw the cancel: the call is counted as finished with CANCELLED.
    const counted = async (): Promise<number> => {
      const m = await node.metrics.rpcRequests.get();
      return (
        m.values.find((v) => v.labels.method === 'WatchNode' && v.labels.outcome === 'CANCELLED')?.value ?? 0
      );
    };
    await expect.poll(counted, { timeout: 10_000 }).toBe(1);
  });

  it('stops by itself after max_samples', async () => {
    const samples = [];
    for await (const s of client.watchNode(2)) samples.push(s);
    expect(samples).toHaveLength(2);
  });
});

describe('AckAlarm and DeleteLogs on the node', () => {
  const target = () => ({ address: `127.0.0.1:${node.rpcPort}`, tls: { insecure: true } as const });

  it('AckAlarm is refused unsigned or from a non-admin, and reaches the alarms for the admin key', async () => {
    const admin = ed25519Of(await readKeystore(layout.adminKeystore, passphrase));
    const ack = (key?: ReturnType<typeof ed25519FromSeed>) =>
      reason(adminCall(target(), alarmsService(), 'AckAlarm', { id: 'no-such:alarm' }, key));
    expect(await ack()).toBe(ApiErrorCode.Unauthenticated);
    expect(await ack(generateEd25519())).toBe(ApiErrorCode.PermissionDenied);
    // Past the administrator check: the node looks the alarm up.
    expect(await ack(admin)).toBe(ApiErrorCode.NotFound);
  });

  it('DeleteLogs is refused unsigned or from a non-admin, and deletes nothing current for the admin key', async () => {
    const admin = ed25519Of(await readKeystore(layout.adminKeystore, passphrase));
    const req = { before: new Date(Date.now() - 86_400_000).toISOString() };
    const del = (key?: ReturnType<typeof ed25519FromSeed>) =>
      adminCall<{ files: unknown[] }>(target(), logsService(), 'DeleteLogs', req, key);
    expect(await reason(del())).toBe(ApiErrorCode.Unauthenticated);
    expect(await reason(del(generateEd25519()))).toBe(ApiErrorCode.PermissionDenied);
    expect((await del(admin)).files).toEqual([]);
  });
});

describe('bkdms alarms ack and logs delete (compiled CLI)', () => {
  it('sign with --admin-key as node log-level does, and are refused without it', async () => {
    const rpc = ['--rpc', `127.0.0.1:${node.rpcPort}`];
    const env = { BKDMS_ADMIN_PASSPHRASE: passphrase };
    const key = ['--admin-key', layout.adminKeystore];
    const unsigned = await bkdms(['alarms', 'ack', 'no-such:alarm', ...rpc]);
    expect(unsigned.code).not.toBe(0);
    expect(unsigned.stderr).toContain('UNAUTHENTICATED');
    const signed = await bkdms(['alarms', 'ack', 'no-such:alarm', ...rpc, ...key, '--json'], env);
    expect(signed.code).not.toBe(0);
    expect(signed.stderr).toContain('NOT_FOUND');
    const before = new Date(Date.now() - 86_400_000).toISOString();
    const refused = await bkdms(['logs', 'delete', '--before', before, ...rpc]);
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    const del = await bkdms(['logs', 'delete', '--before', before, ...rpc, ...key, '--json'], env);
    expect(del.code, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout)).toEqual({ files: [] });
  }, 120_000);
});
