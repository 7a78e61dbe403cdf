// TLS and mutual TLS on the RPC port, with a throwaway CA (test-ca.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiErrorCode } from '../../../api/errors.js';
import type { ApiServer } from '../../../api/server.js';
import { startApiServer } from '../../../api/server.js';
import type { ClientTls } from '../../../api/tls.js';
import { FakeNode } from './fake-node.js';
import { makeTestCa, type TestCa } from './test-ca.js';

let ca: TestCa;
const pem = (name: string): Uint8Array => ca.pem(name);

beforeAll(() => {
  ca = makeTestCa();
});
afterAll(() => ca.remove());

async function height(server: ApiServer, tls: ClientTls): Promise<number> {
  const client = new BkdmsClient({
    address: `127.0.0.1:${server.port}`,
    tls,
    retry: { maxAttempts: 1 },
    deadlineMs: 3000,
    // Name the server by its certificate's DNS name (TLS SNI may not carry an IP address).
    channelOptions: { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' },
  });
  try {
    return (await client.getStatus()).height;
  } finally {
    client.close();
  }
}

describe('TLS', () => {
  it('serves a client that trusts the server CA; a plaintext client cannot talk to it', async () => {
    const server = await startApiServer(new FakeNode(), {
      listen: '127.0.0.1:0',
      tls: { cert: pem('server.crt'), key: pem('server.key') },
    });
    try {
      expect(await height(server, { ca: pem('ca.crt') })).toBe(7);
      await expect(height(server, { insecure: true })).rejects.toMatchObject({
        code: ApiErrorCode.Transport,
      });
    } finally {
      await server.stop(100);
    }
  });

  it('mutual TLS admits a client with a certificate from the client CA and refuses one without', async () => {
    const server = await startApiServer(new FakeNode(), {
      listen: '127.0.0.1:0',
      tls: { cert: pem('server.crt'), key: pem('server.key'), clientCa: pem('ca.crt') },
    });
    try {
      expect(
        await height(server, { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') }),
      ).toBe(7);
      await expect(height(server, { ca: pem('ca.crt') })).rejects.toMatchObject({
        code: ApiErrorCode.Transport,
      });
    } finally {
      await server.stop(100);
    }
  });

  it('a client cert without its key is a typed configuration error', () => {
    expect(() => new BkdmsClient({ address: '127.0.0.1:1', tls: { cert: pem('client.crt') } })).toThrow(
      /INVALID_ARGUMENT/,
    );
  });
});
