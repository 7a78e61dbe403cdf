// The persistent per-peer consensus streams on real nodes (libp2p on 127.0.0.1): frames arrive in
// order over one stream, a stream the receiver resets is reopened, a receiver that stops reading
// holds up neither the sends to other peers nor more than the queue's bound, and a frame over the
// receiver's cap is refused at its header.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { P2P } from '../../node/p2p/index.js';
import { makeIdentities, startMesh, stopStarted, waitFor } from './p2p-helpers.js';

afterEach(stopStarted);

/** Resolves with the first byte of each direct consensus message once `count` have arrived. */
function directFirsts(n: P2P, count: number): Promise<number[]> {
  return new Promise((resolve) => {
    const firsts: number[] = [];
    const off = n.on('message', (m) => {
      if (m.kind !== 'consensus' || !m.direct) return;
      firsts.push(m.data[0]!);
      if (firsts.length === count) {
        off();
        resolve(firsts);
      }
    });
  });
}

describe('persistent consensus streams', () => {
  it('deliver many messages in order over one stream', async () => {
    const [a, b] = (await startMesh(await makeIdentities(2))) as [P2P, P2P];
    const count = 200;
    const got = directFirsts(b, count);
    for (let i = 0; i < count; i++) await a.sendConsensus(1, Uint8Array.of(i, ...new Uint8Array(i * 7)));
    expect(await got).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(a.consensusStreamStats).toMatchObject({ sent: count, opened: 1, failed: 0, dropped: 0 });
  });

  it('direct broadcasts reach every connected peer, on one stream each', async () => {
    const [a, b, c] = (await startMesh(await makeIdentities(3))) as [P2P, P2P, P2P];
    const atB = directFirsts(b, 3);
    const atC = directFirsts(c, 3);
    for (const x of [4, 5, 4]) expect(await a.broadcastConsensus(Uint8Array.of(x), 'direct')).toBe(2);
    // The same bytes twice: no de-duplication on this path (gossip would drop the repeat).
    expect(await atB).toEqual([4, 5, 4]);
    expect(await atC).toEqual([4, 5, 4]);
    expect(a.consensusStreamStats.opened).toBe(2);
  });

  it('refuse a frame over the receiver cap at its header; the sender reopens the reset stream', async () => {
    // a may send up to 4 KiB, b reads up to 1 KiB: b resets the stream at the frame's header.
    const nodes = await startMesh(await makeIdentities(2), (i) => ({
      maxConsensusBytes: i === 0 ? 4096 : 1024,
    }));
    const [a, b] = nodes as [P2P, P2P];
    const first = directFirsts(b, 1);
    await a.sendConsensus(1, Uint8Array.of(1));
    expect(await first).toEqual([1]);
    await a.sendConsensus(1, new Uint8Array(2000).fill(2));
    await vi.waitFor(() => expect(a.consensusStreamStats.failed).toBe(1), { timeout: 10_000 });
    expect(b.stats.oversized).toBe(1);
    expect(b.stats.rejected).toBe(1);
    const after = directFirsts(b, 1);
    await a.sendConsensus(1, Uint8Array.of(3));
    expect(await after).toEqual([3]);
    expect(a.consensusStreamStats.opened).toBe(2);
    expect(b.stats.accepted).toBe(2);
  });

  it('a receiver that stops reading holds up neither the sends to others nor more than the bound', async () => {
    const queueBytes = 1024 * 1024;
    const nodes = await startMesh(await makeIdentities(3), {
      maxStreamQueueBytes: queueBytes,
      // Far beyond what the test takes: the stalled stream is not reset by the write deadline.
      requestTimeoutMs: 60_000,
    });
    const [a, b, c] = nodes as [P2P, P2P, P2P];
    // b's validator never answers once it has the first big frame: b reads nothing more.
    let release: () => void = () => {};
    const held = new Promise<'accept'>((resolve) => (release = () => resolve('accept')));
    let stalled = false;
    b.setValidator('consensus', (m) => {
      if (m.data.length < 1000) return 'accept';
      stalled = true;
      return held;
    });
    const big = new Uint8Array(64 * 1024);
    // 32 MiB towards b: far more than the muxer's window, the sockets and the queue together.
    for (let i = 0; i < 512; i++) await a.sendConsensus(1, big);
    await vi.waitFor(() => expect(stalled).toBe(true), { timeout: 10_000 });
    expect(a.consensusStreamPending().bytes).toBeLessThanOrEqual(queueBytes);
    expect(a.consensusStreamStats.dropped).toBeGreaterThan(0);
    // c still gets a's messages at once.
    const atC = directFirsts(c, 2);
    await a.sendConsensus(2, Uint8Array.of(8));
    expect(await a.broadcastConsensus(Uint8Array.of(9), 'direct')).toBe(2);
    expect(await atC).toEqual([8, 9]);
    // b takes its queue once it reads again.
    const small = waitFor(b, 'message', (m) => m.data.length === 1 && m.data[0] === 9, 30_000);
    release();
    await small;
  });
});
