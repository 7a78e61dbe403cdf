// Stream protocols on real nodes: request/response (roundtrip, size caps both ways, refusals,
// timeout) and direct consensus messages to one validator (on the persistent consensus streams).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type P2P, P2PErrorCode } from '../../node/p2p/index.js';
import { makeIdentities, startMesh, startNode, stopStarted, waitFor } from './p2p-helpers.js';

afterEach(stopStarted);

/** Every first byte: the tests below are about the transport, not about which kind is asked. */
const ANY_REQUEST = Array.from({ length: 256 }, (_, i) => i);

describe('p2p request/response', () => {
  it('roundtrips by validator index and by peer ID, and tells the handler who asked', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    const askers: Array<number | undefined> = [];
    b.onRequest(ANY_REQUEST, async (from, req) => {
      askers.push(from.validatorIndex);
      return Uint8Array.from([...req].reverse());
    });
    expect([...(await a.request(1, Uint8Array.of(1, 2, 3)))]).toEqual([3, 2, 1]);
    expect([...(await a.request(b.peerId, Uint8Array.of(9)))]).toEqual([9]);
    expect(askers).toEqual([0, 0]);
  });

  it('hands each request to the handler of its first byte; an unclaimed byte is refused', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    b.onRequest([1], async () => Uint8Array.of(100));
    b.onRequest([0x51, 0x52], async (_, req) => Uint8Array.of(req[0]! + 1));
    expect(() => b.onRequest([0x52, 7], async () => Uint8Array.of(0))).toThrow(/already handled/);
    expect([...(await a.request(1, Uint8Array.of(1, 9)))]).toEqual([100]);
    expect([...(await a.request(1, Uint8Array.of(0x52)))]).toEqual([0x53]);
    await expect(a.request(1, Uint8Array.of(7))).rejects.toThrow(/REMOTE_ERROR.*no handler/);
  });

  it('carries a large response and an empty one', async () => {
    const nodes = await startMesh(await makeIdentities(2), { maxResponseBytes: 4 * 1024 * 1024 });
    const [a, b] = nodes as [P2P, P2P];
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
    b.onRequest(ANY_REQUEST, async (_, req) => (req[0] === 1 ? big : new Uint8Array(0)));
    const got = await a.request(1, Uint8Array.of(1));
    expect(got.length).toBe(big.length);
    expect(got[12345]).toBe(12345 & 0xff);
    expect((await a.request(1, Uint8Array.of(0))).length).toBe(0);
  });

  it('refuses an oversized request before sending it, and an oversized request on arrival', async () => {
    // a may send up to 4 KiB, b accepts up to 1 KiB.
    const nodes = await startMesh(await makeIdentities(2), (i) => ({
      maxRequestBytes: i === 0 ? 4096 : 1024,
    }));
    const [a, b] = nodes as [P2P, P2P];
    let calls = 0;
    b.onRequest(ANY_REQUEST, async () => {
      calls++;
      return Uint8Array.of(1);
    });
    await expect(a.request(1, new Uint8Array(4097))).rejects.toMatchObject({ code: P2PErrorCode.Oversized });
    await expect(a.request(1, new Uint8Array(2000))).rejects.toMatchObject({ code: P2PErrorCode.Oversized });
    expect(calls).toBe(0);
    expect([...(await a.request(1, new Uint8Array(1024)))]).toEqual([1]);
    expect(calls).toBe(1);
  });

  it('a response over the requester cap is OVERSIZED; over the server cap, REMOTE_ERROR', async () => {
    // a accepts responses up to 100 bytes, b may send up to 1000.
    const nodes = await startMesh(await makeIdentities(2), (i) => ({
      maxResponseBytes: i === 0 ? 100 : 1000,
    }));
    const [a, b] = nodes as [P2P, P2P];
    b.onRequest(ANY_REQUEST, async (_, req) => new Uint8Array(req[0] === 1 ? 500 : 1001));
    await expect(a.request(1, Uint8Array.of(1))).rejects.toMatchObject({ code: P2PErrorCode.Oversized });
    await expect(a.request(1, Uint8Array.of(2))).rejects.toMatchObject({ code: P2PErrorCode.RemoteError });
  });

  it('a handler error comes back as REMOTE_ERROR with its message', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    b.onRequest(ANY_REQUEST, async () => {
      throw new Error('no such height');
    });
    await expect(a.request(1, Uint8Array.of(1))).rejects.toThrow(/REMOTE_ERROR.*no such height/);
  });

  it('without a handler the requester gets REMOTE_ERROR; a silent handler hits the timeout', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    await expect(a.request(1, Uint8Array.of(0))).rejects.toMatchObject({ code: P2PErrorCode.RemoteError });
    let release: () => void = () => {};
    b.onRequest(ANY_REQUEST, () => new Promise((resolve) => (release = () => resolve(Uint8Array.of(1)))));
    await expect(a.request(1, Uint8Array.of(0), 300)).rejects.toMatchObject({ code: P2PErrorCode.Timeout });
    release();
  });

  it('answers BUSY beyond the requests in flight', async () => {
    const nodes = await startMesh(await makeIdentities(2), { maxInflightRequests: 1 });
    const [a, b] = nodes as [P2P, P2P];
    let release: () => void = () => {};
    const entered = new Promise<void>((resolve) =>
      b.onRequest(
        ANY_REQUEST,
        () =>
          new Promise((done) => {
            release = () => done(Uint8Array.of(1));
            resolve();
          }),
      ),
    );
    const first = a.request(1, Uint8Array.of(0));
    await entered;
    await expect(a.request(1, Uint8Array.of(0))).rejects.toMatchObject({ code: P2PErrorCode.Busy });
    release();
    expect([...(await first)]).toEqual([1]);
  });

  it('applies the per-peer request rate limit', async () => {
    const nodes = await startMesh(await makeIdentities(2), { requestRate: { perSecond: 0.001, burst: 2 } });
    const [a, b] = nodes as [P2P, P2P];
    b.onRequest(ANY_REQUEST, async () => Uint8Array.of(1));
    await a.request(1, Uint8Array.of(0));
    await a.request(1, Uint8Array.of(0));
    await expect(a.request(1, Uint8Array.of(0))).rejects.toMatchObject({ code: P2PErrorCode.RateLimited });
  });

  it('unknown validator index is UNKNOWN_PEER', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    await expect(nodes[0]!.request(5, Uint8Array.of(0))).rejects.toMatchObject({
      code: P2PErrorCode.UnknownPeer,
    });
    await expect(nodes[0]!.request('not-a-peer-id', Uint8Array.of(0))).rejects.toMatchObject({
      code: P2PErrorCode.UnknownPeer,
    });
  });
});

describe('p2p direct consensus messages', () => {
  it('reach only the addressed validator, through its validator', async () => {
    const nodes = await startMesh(await makeIdentities(3));
    const [a, b, c] = nodes as [P2P, P2P, P2P];
    const atC: number[] = [];
    c.on('message', (m) => atC.push(m.data[0]!));
    b.setValidator('consensus', (m) => (m.data[0] === 0xee ? 'reject' : 'accept'));
    const got = waitFor(b, 'message', (m) => m.direct);
    await a.sendConsensus(b.peerId, Uint8Array.of(0xee));
    await a.sendConsensus(1, Uint8Array.of(5, 6));
    const m = await got;
    expect([...m.data]).toEqual([5, 6]);
    expect(m.kind).toBe('consensus');
    expect(m.fromIndex).toBe(0);
    expect(b.stats.rejected).toBe(1);
    expect(atC).toEqual([]);
  });

  it('a repeated broadcast, which gossip de-duplicates, still reaches a connected observer', async () => {
    // The status heartbeat of an idle chain repeats its bytes exactly; an observer joining then
    // must still hear it, or it never learns the tip.
    const [v, o] = await makeIdentities(2);
    const validator = await startNode(v!, [v!.publicKey], { observers: [o!.publicKey] });
    const joined = waitFor(validator, 'peer:connect');
    const observer = await startNode(o!, [v!.publicKey], { bootstrap: validator.addresses });
    await joined;
    const heartbeat = Uint8Array.of(7, 7, 7);
    await validator.broadcastConsensus(heartbeat);
    const repeat = waitFor(observer, 'message', (m) => m.direct && m.data[0] === 7);
    expect(await validator.broadcastConsensus(heartbeat)).toBe(1);
    const m = await repeat;
    expect([...m.data]).toEqual([7, 7, 7]);
    expect(m.kind).toBe('consensus');
  });

  it('skips a direct message over the sender rate unread, at its header', async () => {
    const nodes = await startMesh(await makeIdentities(2), { messageRate: { perSecond: 0.001, burst: 1 } });
    const [a, b] = nodes as [P2P, P2P];
    const delivered: number[] = [];
    b.on('message', (m) => delivered.push(m.data.length));
    const first = waitFor(b, 'message', (m) => m.direct);
    await a.sendConsensus(1, Uint8Array.of(1));
    await first;
    await a.sendConsensus(1, new Uint8Array(1024));
    await vi.waitFor(() => expect(b.stats.rateLimited).toBe(1), { timeout: 10_000 });
    expect(b.stats).toMatchObject({ accepted: 1, rateLimited: 1 });
    expect(delivered).toEqual([1]);
  });

  it('refuses an oversized direct message before sending', async () => {
    const nodes = await startMesh(await makeIdentities(2), { maxConsensusBytes: 64 });
    await expect(nodes[0]!.sendConsensus(1, new Uint8Array(65))).rejects.toMatchObject({
      code: P2PErrorCode.Oversized,
    });
    await expect(nodes[0]!.broadcastConsensus(new Uint8Array(65))).rejects.toMatchObject({
      code: P2PErrorCode.Oversized,
    });
  });
});

describe('p2p envelope relay', () => {
  /** Resolves with the first byte of each envelope once `count` have arrived at `n` by relay. */
  const relayed = (n: P2P, count: number): Promise<number[]> =>
    new Promise((resolve) => {
      const firsts: number[] = [];
      n.on('message', (m) => {
        if (m.kind !== 'envelopes' || !m.direct) return;
        firsts.push(...m.items.map((it) => it[0]!));
        if (firsts.length === count) resolve(firsts);
      });
    });

  it('sends envelope batches straight to every connected validator, split at the batch cap', async () => {
    const nodes = await startMesh(await makeIdentities(3), { maxBatchBytes: 1024 });
    const [a, b, c] = nodes as [P2P, P2P, P2P];
    const envelopes = Array.from({ length: 5 }, (_, i) => new Uint8Array(300).fill(i + 1));
    const atB = relayed(b, envelopes.length);
    const atC = relayed(c, envelopes.length);
    expect(await a.relayEnvelopes(envelopes)).toBe(2);
    expect(await atB).toEqual([1, 2, 3, 4, 5]);
    expect(await atC).toEqual([1, 2, 3, 4, 5]);
  });

  it('the same batch relayed twice arrives twice (no gossip de-duplication on this path)', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    const twice = relayed(b, 2);
    expect(await a.relayEnvelopes([Uint8Array.of(7, 7)])).toBe(1);
    expect(await a.relayEnvelopes([Uint8Array.of(7, 7)])).toBe(1);
    expect(await twice).toEqual([7, 7]);
  });
});
