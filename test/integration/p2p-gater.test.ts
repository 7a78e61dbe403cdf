// The connection gater on real nodes: a key outside the allowed set cannot connect in either
// direction, and a validator removed from the set is disconnected.
import { afterEach, describe, expect, it } from 'vitest';
import { type P2P, P2PErrorCode } from '../../node/p2p/index.js';
import {
  makeIdentities,
  makeIdentity,
  startMesh,
  startNode,
  stopStarted,
  until,
  waitFor,
} from './p2p-helpers.js';

afterEach(stopStarted);

describe('p2p connection gater', () => {
  it('refuses a stranger dialing in, and refuses to dial a stranger', async () => {
    const members = await makeIdentities(2);
    const nodes = await startMesh(members);
    const [a] = nodes as [P2P, P2P];
    const outsider = await makeIdentity();
    // The stranger allows everyone itself, so only the member's gater can stop the connection.
    const stranger = await startNode(
      outsider,
      [...members, outsider].map((i) => i.publicKey),
    );

    // Inbound: a's gater drops the connection right after the handshake.
    await expect(stranger.connect(a.addresses[0]!)).rejects.toMatchObject({ code: P2PErrorCode.Unreachable });
    expect(a.connectedPeers()).not.toContain(stranger.peerId);
    expect(stranger.connectedPeers()).not.toContain(a.peerId);

    // Outbound: a never dials a key outside its set, whatever the API.
    await expect(a.connect(stranger.addresses[0]!)).rejects.toMatchObject({ code: P2PErrorCode.NotAllowed });
    await expect(a.request(stranger.peerId, Uint8Array.of(1))).rejects.toMatchObject({
      code: P2PErrorCode.NotAllowed,
    });
    await expect(a.sendConsensus(stranger.peerId, Uint8Array.of(1))).rejects.toMatchObject({
      code: P2PErrorCode.NotAllowed,
    });
    expect(a.connectedPeers()).toEqual([nodes[1]!.peerId]);
  });

  it('disconnects a validator removed from the set and keeps the others', async () => {
    const ids = await makeIdentities(3);
    const nodes = await startMesh(ids);
    const [a, b, c] = nodes as [P2P, P2P, P2P];
    const gone = waitFor(a, 'peer:disconnect', (e) => e.peerId === c.peerId);
    await a.setAllowedPeers([ids[0]!.publicKey, ids[1]!.publicKey]);
    const ev = await gone;
    expect(ev.connectedValidators).toBe(1);
    expect(a.connectedPeers()).toEqual([b.peerId]);
    await until(c, () => !c.connectedPeers().includes(a.peerId), 'c to lose a');
    expect(c.connectedPeers()).toEqual([b.peerId]);
    // c still has a in its set and may re-dial it: a's gater keeps refusing.
    await expect(c.connect(a.addresses[0]!)).rejects.toMatchObject({ code: P2PErrorCode.Unreachable });
    await expect(a.request(c.peerId, Uint8Array.of(1))).rejects.toMatchObject({
      code: P2PErrorCode.NotAllowed,
    });
    expect(a.connectedPeers()).toEqual([b.peerId]);
  });

  it('admits a configured observer without counting it as a validator', async () => {
    const [v, o] = await makeIdentities(2);
    const validator = await startNode(v!, [v!.publicKey], { observers: [o!.publicKey] });
    const joined = waitFor(validator, 'peer:connect');
    const observer = await startNode(o!, [v!.publicKey], { bootstrap: validator.addresses });
    const ev = await joined;
    expect(ev).toMatchObject({ peerId: observer.peerId, validatorIndex: undefined, connectedValidators: 0 });
    expect(observer.connectedValidators()).toBe(1);
    expect(validator.connectedPeers()).toEqual([observer.peerId]);
  });

  it('dials a bootstrap peer as soon as it joins the validator set', async () => {
    const [a, c] = await makeIdentities(2);
    const joiner = await startNode(c!, [a!.publicKey, c!.publicKey]);
    // a lists the joiner as a bootstrap peer but does not allow it yet: no dial, no connection.
    const node = await startNode(a!, [a!.publicKey], { bootstrap: joiner.addresses });
    await expect(joiner.connect(node.addresses[0]!)).rejects.toMatchObject({
      code: P2PErrorCode.Unreachable,
    });
    expect(node.connectedPeers()).toEqual([]);
    const joined = waitFor(node, 'peer:connect', (e) => e.peerId === joiner.peerId);
    await node.setAllowedPeers([a!.publicKey, c!.publicKey]);
    expect((await joined).validatorIndex).toBe(1);
    expect(node.connectedValidators()).toBe(1);
  });
});
