// The console's HTTP server over a service whose nodes are never polled: the login gate, the
// event stream's first snapshot, bad requests, and files only from the page's folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp } from '../../../console/http-server.js';
import { ConsoleService } from '../../../console/service.js';

const token = 'console-test-token-0123';
let dir: string;
let svc: ConsoleService;
let server: Server;
let url: string;
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-console-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  svc = new ConsoleService({ rpc: ['127.0.0.1:1'], tls: () => ({ insecure: true }) });
  ({ server, url } = await startHttp(svc, { listen: '127.0.0.1:0', webDir: dir, token }));
});

afterAll(async () => {
  svc.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('console HTTP server', () => {
  it('asks for the token, logs in with it into a cookie, and then answers', async () => {
    expect((await fetch(`${url}api/snapshot`)).status).toBe(401);
    expect((await fetch(`${url}login?token=wrong-token-wrong-token`, { redirect: 'manual' })).status).toBe(
      401,
    );
    const login = await fetch(`${url}login?token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const snap = await fetch(`${url}api/snapshot`, { headers: { cookie } });
    expect(snap.status).toBe(200);
    expect(((await snap.json()) as { nodes: unknown[] }).nodes).toHaveLength(1);
  });

  it('streams the snapshot as a server-sent event', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}api/events`, { headers: auth, signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    expect(text.startsWith('event: snapshot\ndata: {')).toBe(true);
  });

  it('answers bad input with 400 and names what is wrong', async () => {
    const block = await fetch(`${url}api/block/abc`, { headers: auth });
    expect(block.status).toBe(400);
    expect(((await block.json()) as { error: string }).error).toMatch(/block height/);
    expect((await fetch(`${url}api/trace/xyz`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${url}api/search?q=hello`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${url}api/nothing`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${url}api/snapshot`, { method: 'POST', headers: auth })).status).toBe(405);
  });

  it('takes actions only as same-origin JSON with its header, and only with an admin key', async () => {
    const post = (path: string, headers: Record<string, string>, body = '{}') =>
      fetch(`${url}api/action/${path}`, { method: 'POST', headers: { ...auth, ...headers }, body });
    const json = { 'content-type': 'application/json' };
    const marked = { ...json, 'x-bkdms-console': '1' };
    const noHeader = await post('ack', json);
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as { error: string }).error).toMatch(/X-Bkdms-Console/);
    expect((await post('ack', { 'x-bkdms-console': '1', 'content-type': 'text/plain' })).status).toBe(403);
    const cross = await post('ack', { ...marked, origin: 'http://evil.example' });
    expect(((await cross.json()) as { error: string }).error).toMatch(/another origin/);
    const readOnly = await post(`approve/${'ab'.repeat(32)}`, marked);
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as { error: string }).error).toMatch(/read-only/);
    const proposeReadOnly = await post('propose', marked, '{"action":{"type":"revokeSite"}}');
    expect(proposeReadOnly.status).toBe(403);
    expect(((await proposeReadOnly.json()) as { error: string }).error).toMatch(/read-only/);
    expect((await post('propose', { ...marked, origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('propose', json)).status).toBe(403);
    expect((await post('ack', marked, '[1]')).status).toBe(400);
    expect((await fetch(`${url}api/action/ack`, { method: 'PUT', headers: auth })).status).toBe(405);
  });

  it('checks the logs and KPI queries before asking anyone', async () => {
    const logs = await fetch(`${url}api/logs?level=loud`, { headers: auth });
    expect(logs.status).toBe(400);
    expect(((await logs.json()) as { error: string }).error).toMatch(/level/);
    const kpi = await fetch(`${url}api/kpi/values?city=CNSHA&kpi=1`, { headers: auth });
    expect(kpi.status).toBe(404);
    expect(((await kpi.json()) as { error: string }).error).toMatch(/--platform/);
  });

  it('serves the page for any path without an extension, nothing outside its folder', async () => {
    const page = await fetch(`${url}overview`, { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>');
    expect((await fetch(`${url}..%2F..%2Fetc%2Fpasswd.js`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${url}missing.js`, { headers: auth })).status).toBe(404);
  });
});
