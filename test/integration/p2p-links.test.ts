// The peer table of the network layer (P2P.links()) between in-process hosts: direction, bytes and
// a measured RTT on a live link, a configured peer outside the allowed set shown as refused, and a
// configured peer that went away shown as down.
import { afterEach, describe, expect, it } from 'vitest';
import type { P2P, PeerLinkStats } from '../../node/p2p/index.js';
import { peerIdOfPublicKey } from '../../node/p2p/index.js';
import { makeIdentities, startNode, stopStarted } from './p2p-helpers.js';

afterEach(stopStarted);

/** Re-reads `node.links()` on each of the node's events until `ok` holds, within `ms`. */
function linksUntil(node: P2P, ok: (l: PeerLinkStats[]) => boolean, ms = 15_000): Promise<PeerLinkStats[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const l = node.links();
      if (!ok(l)) return false;
      clearInterval(timer);
      clearTimeout(deadline);
      resolve(l);
      return true;
    };
    // Pings and disconnects raise no event the test can wait on: re-read at the ping interval.
    const timer = setInterval(check, 100);
    const deadline = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`links never matched: ${JSON.stringify(node.links())}`));
    }, ms);
    check();
  });
}

describe('P2P.links', () => {
  it('reports direction, bytes and a ping RTT on both ends of a link', async () => {
    const ids = await makeIdentities(2);
    const keys = ids.map((i) => i.publicKey);
    const a = await startNode(ids[0]!, keys, { pingIntervalMs: 100 });
    const b = await startNode(ids[1]!, keys, { pingIntervalMs: 100, bootstrap: a.addresses });
    const live = (l: PeerLinkStats[]): boolean =>
      l.length === 1 && l[0]!.state === 'connected' && (l[0]!.rtt?.lastMs ?? 0) > 0;
    const [fromA] = await linksUntil(a, live);
    const [fromB] = await linksUntil(b, live);
    expect(fromA!.direction).toBe('inbound');
    expect(fromA!.configured).toBe(false);
    expect(fromA!.validatorIndex).toBe(1);
    expect(fromB!.direction).toBe('outbound');
    expect(fromB!.configured).toBe(true);
    expect(fromB!.peerId).toBe(peerIdOfPublicKey(keys[0]!));
    expect(fromB!.bytesSent).toBeGreaterThan(0);
    expect(fromB!.bytesReceived).toBeGreaterThan(0);
    expect(fromB!.rtt!.avgMs).toBeGreaterThan(0);
    expect(fromB!.openedAt).toBeGreaterThan(0);

    await a.stop();
    const [gone] = await linksUntil(b, (l) => l.length === 1 && l[0]!.state !== 'connected');
    expect(['down', 'dialing']).toContain(gone!.state);
    expect(gone!.direction).toBeUndefined();
  }, 30_000);

  it('shows a configured peer outside the allowed set as refused', async () => {
    const ids = await makeIdentities(2);
    const other = await startNode(ids[1]!, [ids[1]!.publicKey]);
    // Configured as a bootstrap peer, but not a validator of this node's set.
    const self = await startNode(ids[0]!, [ids[0]!.publicKey], { bootstrap: other.addresses });
    const rows = self.links();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe('refused');
    expect(rows[0]!.configured).toBe(true);
    expect(rows[0]!.validatorIndex).toBeUndefined();
  }, 30_000);
});
