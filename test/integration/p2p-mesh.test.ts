// Real libp2p nodes on 127.0.0.1: a mesh forms from bootstrap addresses, gossip flows both ways
// on both topics, rejected messages never reach the application.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch, type P2P, peerIdOfPublicKey } from '../../node/p2p/index.js';
import { makeIdentities, startMesh, startNode, stopStarted, until, waitFor } from './p2p-helpers.js';

afterEach(stopStarted);

describe('p2p mesh', () => {
  it('peer IDs derive from validator public keys', async () => {
    const ids = await makeIdentities(2);
    const nodes = await startMesh(ids);
    expect(nodes.map((n) => n.peerId)).toEqual(ids.map((i) => peerIdOfPublicKey(i.publicKey)));
  });

  it('4 nodes form a mesh and gossip consensus messages both ways', async () => {
    const nodes = await startMesh(await makeIdentities(4));
    for (const n of nodes) expect(n.connectedValidators()).toBe(3);
    const a = nodes[0]!;
    const d = nodes[3]!;
    const atD = waitFor(d, 'message', (m) => m.kind === 'consensus' && m.data[0] === 1);
    const atA = waitFor(a, 'message', (m) => m.kind === 'consensus' && m.data[0] === 2);
    await a.broadcastConsensus(Uint8Array.of(1, 2, 3));
    await d.broadcastConsensus(Uint8Array.of(2, 3, 4));
    const [gotD, gotA] = await Promise.all([atD, atA]);
    expect([...gotD.data]).toEqual([1, 2, 3]);
    expect([...gotA.data]).toEqual([2, 3, 4]);
    expect(gotD.direct).toBe(false);
  });

  it('a consensus message broadcast again with the same bytes still arrives (gossip drops repeats)', async () => {
    const nodes = await startMesh(await makeIdentities(3));
    const [a, b] = nodes as [P2P, P2P, P2P];
    const heartbeat = Uint8Array.of(7, 7, 7);
    const first = waitFor(b, 'message', (m) => m.kind === 'consensus' && m.data[0] === 7);
    expect(await a.broadcastConsensus(heartbeat)).toBe(2);
    expect((await first).direct).toBe(false);
    // The repeat: gossipsub has seen these bytes and publishes nothing; it must go direct.
    const again = waitFor(b, 'message', (m) => m.kind === 'consensus' && m.data[0] === 7);
    expect(await a.broadcastConsensus(heartbeat)).toBe(2);
    expect((await again).direct).toBe(true);
  });

  it('envelopes submitted on one node arrive as a batch on every other node', async () => {
    const nodes = await startMesh(await makeIdentities(3));
    const envs = [Uint8Array.of(10), Uint8Array.of(11, 12), Uint8Array.of(13, 14, 15)];
    const arrivals = nodes.slice(1).map((n) => waitFor(n, 'message', (m) => m.kind === 'envelopes'));
    for (const e of envs) expect(nodes[0]!.submitEnvelope(e)).toBe(true);
    await nodes[0]!.flushEnvelopes();
    expect(nodes[0]!.outboundStats).toEqual({ batches: 1, envelopes: 3, failedEnvelopes: 0 });
    for (const m of await Promise.all(arrivals)) {
      expect(m.items.map((x) => [...x])).toEqual(envs.map((x) => [...x]));
      expect(m.from).toBe(nodes[0]!.peerId);
      expect(m.fromIndex).toBe(0);
    }
  });

  it('a rejected message is not delivered, the next accepted one is', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    const seen: number[] = [];
    b.on('message', (m) => seen.push(m.data[0]!));
    b.setValidator('consensus', (m) => (m.data[0] === 0xff ? 'reject' : 'accept'));
    const good = waitFor(b, 'message', (m) => m.data[0] === 7);
    await a.broadcastConsensus(Uint8Array.of(0xff, 1));
    await a.broadcastConsensus(Uint8Array.of(7, 1));
    await good;
    expect(seen).toEqual([7]);
    expect(b.stats.rejected).toBe(1);
    // The reject counts against a in b's gossip score; nothing counts against b.
    expect(b.invalidDeliveries(a.peerId)).toBe(1);
    expect(a.invalidDeliveries(b.peerId)).toBe(0);
  });

  it('a malformed envelope batch is rejected before the validator sees it', async () => {
    const nodes = await startMesh(await makeIdentities(2));
    const [a, b] = nodes as [P2P, P2P];
    let validatorCalls = 0;
    b.setValidator('envelopes', () => {
      validatorCalls++;
      return 'accept';
    });
    const good = waitFor(b, 'message', (m) => m.kind === 'envelopes');
    // A count of 5 with nothing behind it: not a batch.
    const bad = Uint8Array.of(0, 0, 0, 5);
    await (a as unknown as { publish(t: string, d: Uint8Array): Promise<void> }).publish(
      a.names.envelopesTopic,
      bad,
    );
    a.submitEnvelope(encodeBatch([Uint8Array.of(1)]));
    await a.flushEnvelopes();
    await good;
    expect(validatorCalls).toBe(1);
    expect(b.stats.malformed).toBe(1);
  });

  it('re-dials a bootstrap peer that went away and came back on the same address', async () => {
    const ids = await makeIdentities(2);
    const validators = ids.map((i) => i.publicKey);
    const b = await startNode(ids[1]!, validators);
    const addr = b.addresses[0]!;
    const bId = b.peerId;
    const a = await startNode(ids[0]!, validators, { bootstrap: [addr] });
    await waitFor(b, 'peer:connect', (e) => e.peerId === a.peerId);
    const lost = waitFor(a, 'peer:disconnect', (e) => e.peerId === bId);
    await b.stop();
    expect((await lost).connectedValidators).toBe(0);
    const back = waitFor(a, 'peer:connect', (e) => e.peerId === bId);
    const port = addr.split('/')[4]!;
    await startNode(ids[1]!, validators, { listen: [`/ip4/127.0.0.1/tcp/${port}`] });
    expect((await back).connectedValidators).toBe(1);
  });

  it('carries a multi-megabyte consensus message; one over the receiver cap is rejected', async () => {
    // a may send 8 MiB, b accepts 4 MiB: a 3 MiB message passes, a 5 MiB one is rejected.
    const mib = 1024 * 1024;
    const nodes = await startMesh(await makeIdentities(2), (i) => ({
      maxConsensusBytes: i === 0 ? 8 * mib : 4 * mib,
    }));
    const [a, b] = nodes as [P2P, P2P];
    const sizes: number[] = [];
    b.on('message', (m) => sizes.push(m.data.length));
    const small = waitFor(b, 'message', (m) => m.data.length === 10);
    await a.broadcastConsensus(new Uint8Array(3 * mib).fill(1));
    await a.broadcastConsensus(new Uint8Array(5 * mib).fill(2));
    await a.broadcastConsensus(new Uint8Array(10).fill(3));
    await small;
    expect(sizes).toEqual([3 * mib, 10]);
    expect(b.stats.oversized).toBe(1);
    expect(b.invalidDeliveries(a.peerId)).toBe(1);
  });

  it('repairs gossip after a message so large that it broke the stream', async () => {
    // b's hard bound on one gossip frame is 2 x 1 MiB + 64 KiB; 3 MiB from a breaks b's stream.
    const mib = 1024 * 1024;
    const nodes = await startMesh(await makeIdentities(2), (i) => ({
      maxConsensusBytes: i === 0 ? 8 * mib : mib,
      gossipWatchdogMs: 100,
    }));
    const [a, b] = nodes as [P2P, P2P];
    // b's watchdog hangs up on the silent link; b re-dials a (its bootstrap peer); once b's
    // subscription arrives on the new connection, gossip flows again.
    const bId = b.peerId;
    const lost = waitFor(a, 'peer:disconnect', (e) => e.peerId === bId);
    await a.broadcastConsensus(new Uint8Array(3 * mib));
    await lost;
    // Each side has the other's subscription only once the other's gossip stream is up.
    await until(
      a,
      () => a.connectedPeers().includes(bId) && a.subscribers('consensus').includes(bId),
      'b back',
    );
    await until(b, () => b.subscribers('consensus').includes(a.peerId), 'a back');
    const got = waitFor(b, 'message', (m) => m.data.length === 10);
    expect(await a.broadcastConsensus(new Uint8Array(10).fill(4))).toBe(1);
    expect((await got).data[0]).toBe(4);
  });

  it('delivers every envelope from two concurrent submitters to all four nodes', async () => {
    const nodes = await startMesh(await makeIdentities(4), {
      batcher: { maxItems: 64, maxBytes: 16 * 1024, maxDelayMs: 2, maxQueued: 256 },
    });
    const perSender = 2_000;
    const received = nodes.map(() => new Set<string>());
    const complete = nodes.map((n, i) => {
      const expected = n === nodes[0] || n === nodes[1] ? perSender : 2 * perSender;
      return new Promise<void>((resolve) =>
        n.on('message', (m) => {
          for (const e of m.items) received[i]!.add(Buffer.from(e).toString('hex'));
          if (received[i]!.size === expected) resolve();
        }),
      );
    });
    const submit = async (sender: P2P, tag: number) => {
      for (let i = 0; i < perSender; i++) {
        const env = new Uint8Array(200).fill(tag);
        new DataView(env.buffer).setUint32(1, i);
        // The batcher is bounded: when it says no, let it drain and try again.
        while (!sender.submitEnvelope(env)) await sender.flushEnvelopes();
      }
      await sender.flushEnvelopes();
    };
    await Promise.all([submit(nodes[0]!, 1), submit(nodes[1]!, 2)]);
    await Promise.all(complete);
    expect(received.map((r) => r.size)).toEqual([perSender, perSender, 2 * perSender, 2 * perSender]);
  });
});
