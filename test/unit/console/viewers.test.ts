// Fifty viewers on one console cost the nodes what one viewer does: the console's backend over
// three stand-in nodes (the node's real gRPC server, Ledger and Management services, every call
// counted), fifty Server-Sent-Events viewers reading at once. Each node sees one WatchNode stream
// and one GetStatus per read round whatever the number of viewers, each new block is fetched once,
// and every viewer receives the snapshots that show the chain growing.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttp } from '../../../console/http-server.js';
import { ConsoleService, type Snapshot } from '../../../console/service.js';
import { type FakeChain, type FakeNode, fakeChain, startFakeNode } from '../../support/fake-nodes.js';

const NODES = 3;
const VIEWERS = 50;

let dir: string;
let fake: FakeChain;
let nodes: FakeNode[];
let svc: ConsoleService;
let server: Server;
let url: string;
let rounds = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-viewers-'));
  fake = fakeChain(4, 20);
  nodes = await Promise.all(
    Array.from({ length: NODES }, (_, i) => startFakeNode(fake, i, NODES, { sampleIntervalMs: 100 })),
  );
  svc = new ConsoleService({ rpc: nodes.map((n) => n.rpc), tls: () => ({ insecure: true }), pollMs: 100 });
  ({ server, url } = await startHttp(svc, { listen: '127.0.0.1:0', webDir: dir }));
  // The test's own listener counts the read rounds (one snapshot per round).
  svc.subscribe(() => rounds++);
  await svc.start();
}, 30_000);

afterAll(async () => {
  svc?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await Promise.all((nodes ?? []).map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});

interface Viewer {
  heights: number[];
  close(): void;
}

/** One browser's worth: the event stream, each snapshot's height kept. */
async function openViewer(): Promise<Viewer> {
  const ac = new AbortController();
  const res = await fetch(`${url}api/events`, { signal: ac.signal });
  expect(res.status).toBe(200);
  const heights: number[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let text = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        let end = text.indexOf('\n\n');
        while (end >= 0) {
          const data = text
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          if (data !== undefined) heights.push((JSON.parse(data.slice(6)) as Snapshot).height);
          text = text.slice(end + 2);
          end = text.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { heights, close: () => ac.abort() };
}

const calls = (method: string): number[] => nodes.map((n) => n.calls.get(method) ?? 0);

describe('the console under fifty viewers', () => {
  it('keeps one upstream stream and one status read per round per node, and updates every viewer', async () => {
    await vi.waitFor(() => expect(nodes.map((n) => n.watching())).toEqual([1, 1, 1]), { timeout: 10_000 });
    const tip = fake.blocks.length;
    await vi.waitFor(() => expect(svc.snapshot.height).toBe(tip), { timeout: 10_000 });

    const viewers = await Promise.all(Array.from({ length: VIEWERS }, openViewer));
    // Every viewer has its first snapshot (sent on connecting): all fifty are being served.
    await vi.waitFor(() => expect(viewers.every((v) => v.heights.length > 0)).toBe(true), {
      timeout: 10_000,
    });
    expect(svc.viewers).toBe(VIEWERS + 1);

    const statusBefore = calls('GetStatus');
    const blocksBefore = calls('GetBlock');
    const roundsBefore = rounds;
    for (let i = 0; i < 3; i++) fake.extend();
    await vi.waitFor(() => expect(viewers.every((v) => v.heights.at(-1) === tip + 3)).toBe(true), {
      timeout: 15_000,
    });
    const roundsDone = rounds - roundsBefore;
    const statusDone = calls('GetStatus').map((n, i) => n - (statusBefore[i] as number));
    const blocksDone = calls('GetBlock').reduce((a, n, i) => a + n - (blocksBefore[i] as number), 0);

    // A round may be in flight at either end of the window: one status read more or less.
    for (const n of statusDone) {
      expect(n).toBeGreaterThanOrEqual(roundsDone - 1);
      expect(n).toBeLessThanOrEqual(roundsDone + 1);
    }
    // Three new blocks fetched once each, plus the cross-node check (one per node every 5 rounds).
    expect(blocksDone).toBeLessThanOrEqual(3 + NODES * (Math.ceil(roundsDone / 5) + 1));
    expect(blocksDone).toBeGreaterThanOrEqual(3);
    // One WatchNode stream per node, opened once, for all the viewers.
    expect(calls('WatchNode')).toEqual([1, 1, 1]);
    expect(nodes.map((n) => n.watching())).toEqual([1, 1, 1]);
    // Each viewer saw the chain grow live, not only its first snapshot.
    for (const v of viewers) {
      expect(v.heights.length).toBeGreaterThanOrEqual(2);
      expect(v.heights.at(-1)).toBeGreaterThan(v.heights[0] as number);
    }

    for (const v of viewers) v.close();
    await vi.waitFor(() => expect(svc.viewers).toBe(1), { timeout: 10_000 });
  }, 60_000);
});
