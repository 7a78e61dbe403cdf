// TLS and mutual TLS on the RPC port, with a throwaway CA made by openssl in a temp folder
// (node:crypto cannot issue X.509 certificates).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiErrorCode } from '../../../api/errors.js';
import type { ApiServer } from '../../../api/server.js';
import { startApiServer } from '../../../api/server.js';
import type { ClientTls } from '../../../api/tls.js';
import { FakeNode } from './fake-node.js';

let dir: string;
const pem = (name: string): Uint8Array => readFileSync(join(dir, name));

function issue(name: string, cn: string): void {
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  ssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=bkdms-test-ca',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  issue('server', 'localhost');
  issue('client', 'bkdms-test-client');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
