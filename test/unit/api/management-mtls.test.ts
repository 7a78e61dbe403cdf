// The Management service on a mutual-TLS server: an administrator known by the SHA-256
// fingerprint of its client certificate may change log levels without a signature; a client whose
// certificate is not listed may read but not change anything.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAuth } from '../../../api/admin-auth.js';
import { ApiErrorCode } from '../../../api/errors.js';
import { ManagementClient } from '../../../api/management-client.js';
import { ManagementService } from '../../../api/management-service.js';
import type { ManagementApi, NodeSample } from '../../../api/management-types.js';
import { type ApiServer, startApiServer } from '../../../api/server.js';
import { FakeNode } from './fake-node.js';
import { makeTestCa, type TestCa } from './test-ca.js';

let ca: TestCa;
let server: ApiServer;
let client: ManagementClient;
let spec = 'info';
let listed: string[] = [];
const logged: { method: string; caller: Record<string, string | undefined> }[] = [];

const sample: NodeSample = {
  time: 1,
  hostCpu: 0,
  processCpu: 0,
  rssBytes: 1,
  heapUsedBytes: 1,
  heapTotalBytes: 1,
  memoryFreeBytes: 1,
  dataBytes: 1,
  dataGrowthBps: 0,
  diskFreeBytes: 1,
  height: 0,
  mempoolEnvelopes: 0,
  peers: [],
};

const api: ManagementApi = {
  getNodeInfo: async () => {
    throw new Error('not used');
  },
  listPeers: async () => ({ peers: [], time: 1 }),
  sample: () => sample,
  setLogSpec: (s) => {
    spec = s;
    return s;
  },
  backupNode: async () => {
    throw new Error('not used');
  },
  logCall: (method, caller) => {
    logged.push({ method, caller });
  },
};

beforeAll(async () => {
  ca = makeTestCa();
  // A new AdminAuth per call, so each test can change the allow list.
  const auth = {
    requireAdmin: (...args: Parameters<AdminAuth['requireAdmin']>) =>
      new AdminAuth({
        chainId: new Uint8Array(32),
        audience: 'node',
        isAdmin: () => false,
        certSha256: listed,
      }).requireAdmin(...args),
  };
  server = await startApiServer(new FakeNode(), {
    listen: '127.0.0.1:0',
    tls: { cert: ca.pem('server.crt'), key: ca.pem('server.key'), clientCa: ca.pem('ca.crt') },
    services: [new ManagementService(api, auth)],
  });
  client = new ManagementClient({
    address: `127.0.0.1:${server.port}`,
    tls: { ca: ca.pem('ca.crt'), cert: ca.pem('client.crt'), key: ca.pem('client.key') },
  });
}, 30_000);

afterAll(async () => {
  client?.close();
  await server?.stop(100);
  ca?.remove();
});

describe('admin by client certificate', () => {
  it('lets a listed certificate change the log spec, and names it', async () => {
    const fp = new X509Certificate(ca.pem('client.crt')).fingerprint256;
    listed = [fp];
    const res = await client.setLogLevel('debug');
    expect(res).toEqual({ spec: 'debug', admin: `cert:${fp.replaceAll(':', '').toLowerCase()}` });
    expect(spec).toBe('debug');
    const line = logged.at(-1)!;
    expect(line.method).toBe('SetLogLevel');
    expect(line.caller.admin).toBe(res.admin);
    expect(line.caller.cert).toBe(fp);
  });

  it('refuses an unlisted certificate, which may still read', async () => {
    listed = [new X509Certificate(ca.pem('server.crt')).fingerprint256];
    const err = await client.setLogLevel('warn').catch((e: { code: string }) => e.code);
    expect(err).toBe(ApiErrorCode.PermissionDenied);
    expect(spec).toBe('debug');
    expect(logged.at(-1)).toMatchObject({ method: 'SetLogLevel', caller: { admin: 'refused' } });
    expect((await client.listPeers()).peers).toEqual([]);
  });
});
