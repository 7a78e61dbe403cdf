// Who may use the management port: off loopback it will not start without mutual TLS; with it, a
// caller without a client certificate gets 401, one whose certificate another CA signed 403, and
// neither reaches a handler (PUT /logspec changes nothing); a certificate the configured CA signed
// is served. Certificates are made at test time (test-ca.ts).
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';
import { type MgmtServer, startMgmtServer } from '../../../node/mgmt/server.js';
import { createLogs, type Logs } from '../../../runtime/log.js';
import { makeTestCa, type TestCa } from '../api/test-ca.js';

let ca: TestCa;
let stranger: TestCa;
let server: MgmtServer;
let logs: Logs;

const options = () => ({
  registry: createNodeMetrics({ labels: { node: '0' } }).registry,
  health: () => ({ ready: true }) as const,
  status: () => ({ height: 3 }),
  logs,
});

beforeAll(async () => {
  ca = makeTestCa();
  stranger = makeTestCa();
  logs = createLogs({ spec: 'info', destination: { write: () => {} } });
  server = await startMgmtServer({
    ...options(),
    // Off loopback, as an operator would configure it; reached here through 127.0.0.1.
    listen: '0.0.0.0:0',
    tls: { cert: ca.pem('server.crt'), key: ca.pem('server.key'), clientCa: ca.pem('ca.crt') },
  });
});
afterAll(async () => {
  await server?.close();
  ca?.remove();
  stranger?.remove();
});

interface Answer {
  status: number;
  body: string;
}

function call(method: string, path: string, client?: TestCa, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        ca: Buffer.from(ca.pem('ca.crt')),
        ...(client === undefined
          ? {}
          : { cert: Buffer.from(client.pem('client.crt')), key: Buffer.from(client.pem('client.key')) }),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('management port authentication', () => {
  it('will not listen off loopback without mutual TLS', async () => {
    for (const listen of ['0.0.0.0:0', '[::]:0'])
      await expect(startMgmtServer({ ...options(), listen })).rejects.toMatchObject({
        code: 'BAD_CONFIG',
        message: expect.stringContaining('mgmt.listen is off loopback'),
      });
  });

  it('refuses a caller without a client certificate with 401, reads and writes alike', async () => {
    const put = await call('PUT', '/logspec', undefined, 'debug');
    expect(put.status).toBe(401);
    expect(put.body).toContain('client certificate required');
    expect(logs.spec()).toBe('info');
    expect((await call('GET', '/status')).status).toBe(401);
  });

  it('refuses a certificate another CA signed with 403', async () => {
    const put = await call('PUT', '/logspec', stranger, 'debug');
    expect(put.status).toBe(403);
    expect(put.body).toContain('client certificate refused');
    expect(logs.spec()).toBe('info');
  });

  it('serves a caller whose certificate the configured CA signed', async () => {
    const put = await call('PUT', '/logspec', ca, 'warn,p2p=debug');
    expect(put).toEqual({ status: 200, body: 'warn,p2p=debug\n' });
    expect(logs.spec()).toBe('warn,p2p=debug');
    const status = await call('GET', '/status', ca);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toEqual({ height: 3 });
  });
});
