// Who may push readings: the HTTP push source listens on loopback by default; off loopback the site
// config and the source itself refuse to start without a bearer token or mutual TLS; with a token,
// a request without it or with another one gets 401 and nothing is spooled; with mutual TLS, a
// client without a certificate the CA signed cannot connect.

import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig, parseSiteConfig } from '../../../site/config.js';
import { SiteErrorCode } from '../../../site/errors.js';
import { sourceFromConfig } from '../../../site/sources/from-config.js';
import { type HttpPushOptions, HttpPushSource } from '../../../site/sources/http-push.js';
import type { ReadingBatch } from '../../../site/sources/source.js';
import { makeTestCa, type TestCa } from '../api/test-ca.js';
import { tempDir } from './helpers.js';

const TOKEN = 'push-token-0123456789abcdef';
const reading = JSON.stringify({ kpi: 1, value: 1, time: '2026-01-01T00:00:00Z' });
const base = { name: 'h', host: '127.0.0.1', port: 0, maxBodyBytes: 2_000, maxReadings: 3, maxQueued: 4 };

/** Runs a push source, calls fn with its port, and returns every batch it spooled. */
async function withSource(
  opts: HttpPushOptions,
  fn: (port: number) => Promise<void>,
): Promise<ReadingBatch[]> {
  const src = new HttpPushSource(opts);
  const ac = new AbortController();
  const got: ReadingBatch[] = [];
  const pump = (async () => {
    for await (const b of src.batches(ac.signal)) got.push(b);
  })();
  try {
    await fn(await Promise.race([src.port(), pump.then(() => -1)]));
  } finally {
    ac.abort();
    await pump;
  }
  return got;
}

describe('push source authentication', () => {
  it('will not listen off loopback with neither token nor TLS', async () => {
    const src = new HttpPushSource({ ...base, host: '0.0.0.0' });
    const it = src.batches(new AbortController().signal)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({
      code: SiteErrorCode.BadConfig,
      message: expect.stringContaining('listens off loopback (0.0.0.0)'),
    });
    const short = new HttpPushSource({ ...base, token: 'short' });
    await expect(
      short.batches(new AbortController().signal)[Symbol.asyncIterator]().next(),
    ).rejects.toMatchObject({
      code: SiteErrorCode.BadConfig,
    });
  });

  it('with a token: 401 without it or with another, 202 with it', async () => {
    const statuses: number[] = [];
    const got = await withSource({ ...base, token: TOKEN }, async (port) => {
      const post = async (headers: Record<string, string>) =>
        (await fetch(`http://127.0.0.1:${port}/readings`, { method: 'POST', body: reading, headers })).status;
      statuses.push(await post({}));
      statuses.push(await post({ authorization: `Bearer ${TOKEN}x` }));
      statuses.push(await post({ authorization: TOKEN }));
      statuses.push(await post({ authorization: `Bearer ${TOKEN}` }));
    });
    expect(statuses).toEqual([401, 401, 401, 202]);
    expect(got.flatMap((b) => b.readings)).toHaveLength(1);
  });

  it('the site config refuses an http source off loopback without tokenFile or tls, and resolves them', () => {
    const site = {
      name: 's',
      dataDir: 'data',
      keystore: { path: 'k' },
      identity: { country: 250, city: 'locode:FRPAR', siteId: '192.0.2.10' },
      chain: { endpoints: ['127.0.0.1:7101'], insecure: true },
    };
    const http = { type: 'http', name: 'push', host: '0.0.0.0', port: 8080 };
    expect(() => parseSiteConfig({ ...site, sources: [http] })).toThrow(/needs tokenFile .* or tls/);
    // Default host: loopback, no token needed.
    const plain = parseSiteConfig({ ...site, sources: [{ type: 'http', name: 'push', port: 8080 }] });
    expect(plain.sources[0]).toMatchObject({ host: '127.0.0.1' });
    const dir = tempDir();
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    writeFileSync(
      join(dir, 'site.json'),
      JSON.stringify({ ...site, sources: [{ ...http, tokenFile: 'token' }] }),
    );
    const c = loadSiteConfig(join(dir, 'site.json'));
    expect(c.sources[0]).toMatchObject({ tokenFile: join(dir, 'token') });
    const src = sourceFromConfig(c.sources[0]!, undefined) as unknown as { opts: HttpPushOptions };
    expect(src.opts.token).toBe(TOKEN);
  });
});

describe('push source over mutual TLS', () => {
  let ca: TestCa;
  let stranger: TestCa;
  beforeAll(() => {
    ca = makeTestCa();
    stranger = makeTestCa();
  });
  afterAll(() => {
    ca.remove();
    stranger.remove();
  });

  const push = (port: number, client?: TestCa): Promise<number> =>
    new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/readings',
          ca: Buffer.from(ca.pem('ca.crt')),
          ...(client === undefined
            ? {}
            : { cert: Buffer.from(client.pem('client.crt')), key: Buffer.from(client.pem('client.key')) }),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      // A refused handshake: no HTTP status at all.
      req.on('error', () => resolve(0));
      req.end(reading);
    });

  it('serves a client the CA signed and no other', async () => {
    const statuses: number[] = [];
    const got = await withSource(
      {
        ...base,
        host: '0.0.0.0',
        tls: { cert: ca.pem('server.crt'), key: ca.pem('server.key'), clientCa: ca.pem('ca.crt') },
      },
      async (port) => {
        statuses.push(await push(port));
        statuses.push(await push(port, stranger));
        statuses.push(await push(port, ca));
      },
    );
    expect(statuses).toEqual([0, 0, 202]);
    expect(got.flatMap((b) => b.readings)).toHaveLength(1);
  });
});
