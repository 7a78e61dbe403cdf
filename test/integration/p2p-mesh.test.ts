// Real libp2p nodes on 127.0.0.1: a mesh forms from bootstrap addresses, gossip flows both ways
// on both topics, rejected messages never reach the application.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch, type P2P, peerIdOfPublicKey } from '../../node/p2p/index.js';
import { makeIdentities, startMesh, startNode, stopStarted, waitFor } from './p2p-helpers.js';

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

  it('envelopes submitted on one node arrive as a batch on every other node', async () => {
    const nodes = await startMesh(await makeIdentities(3));
    const envs = [Uint8Array.of(10), Uint8Array.of(11, 12), Uint8Array.of(13, 14, 15)];
    const arrivals = nodes.slice(1).map((n) => waitFor(n, 'message', (m) => m.kind === 'envelopes'));
    for (const e of envs) expect(nodes[0]!.submitEnvelope(e)).toBe(true);
    await nodes[0]!.flushEnvelopes();
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
});
