import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { describe, expect, it } from 'vitest';
import { AllowList } from '../../../node/p2p/allow-list.js';
import { encodeBatch } from '../../../node/p2p/batch-codec.js';
import { peerIdOfPublicKey } from '../../../node/p2p/identity.js';
import { InboundGate, type InboundMessage } from '../../../node/p2p/inbound.js';
import { PeerRateLimiter } from '../../../node/p2p/rate-limit.js';

async function setup(burst = 100) {
  const pubs = await Promise.all(
    [1, 2].map(
      async (n) => (await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(n))).publicKey.raw,
    ),
  );
  const allow = new AllowList([pubs[0]!], []);
  const delivered: InboundMessage[] = [];
  const gate = new InboundGate(
    allow,
    new PeerRateLimiter({ perSecond: 0.001, burst }, () => 0, 8),
    { maxBatchBytes: 100, maxConsensusBytes: 10, maxBatchItems: 8 },
    (m) => delivered.push(m),
  );
  return { gate, delivered, member: peerIdOfPublicKey(pubs[0]!), stranger: peerIdOfPublicKey(pubs[1]!) };
}

describe('inbound gate', () => {
  it('delivers accepted messages with the sender index and batch items', async () => {
    const { gate, delivered, member } = await setup();
    expect(
      await gate.screen('envelopes', member, encodeBatch([Uint8Array.of(1), Uint8Array.of(2)]), false),
    ).toBe('accept');
    expect(delivered[0]).toMatchObject({ kind: 'envelopes', from: member, fromIndex: 0, direct: false });
    expect(delivered[0]!.items.map((x) => [...x])).toEqual([[1], [2]]);
  });

  it('passes reject and ignore through without delivering; a throwing validator rejects', async () => {
    const { gate, delivered, member } = await setup();
    gate.setValidator('consensus', (m) =>
      m.data[0] === 1 ? 'reject' : m.data[0] === 2 ? 'ignore' : 'accept',
    );
    expect(await gate.screen('consensus', member, Uint8Array.of(1), false)).toBe('reject');
    expect(await gate.screen('consensus', member, Uint8Array.of(2), true)).toBe('ignore');
    gate.setValidator('consensus', () => {
      throw new Error('cannot decode');
    });
    expect(await gate.screen('consensus', member, Uint8Array.of(3), false)).toBe('reject');
    expect(delivered).toEqual([]);
    expect(gate.stats).toMatchObject({ rejected: 2, ignored: 1, accepted: 0 });
  });

  it('rejects strangers, oversized and malformed messages before the validator runs', async () => {
    const { gate, member, stranger } = await setup();
    let calls = 0;
    gate.setValidator('envelopes', () => {
      calls++;
      return 'accept';
    });
    gate.setValidator('consensus', () => {
      calls++;
      return 'accept';
    });
    expect(await gate.screen('consensus', stranger, Uint8Array.of(1), true)).toBe('reject');
    expect(await gate.screen('consensus', member, new Uint8Array(11), false)).toBe('reject');
    expect(await gate.screen('envelopes', member, new Uint8Array(101), false)).toBe('reject');
    expect(await gate.screen('envelopes', member, Uint8Array.of(0, 0, 0, 9), false)).toBe('reject');
    expect(calls).toBe(0);
    expect(gate.stats).toMatchObject({ notAllowed: 1, oversized: 2, malformed: 1 });
  });

  it('ignores (does not penalize) messages over the per-peer rate', async () => {
    const { gate, delivered, member } = await setup(2);
    const verdicts = [];
    for (let i = 0; i < 3; i++)
      verdicts.push(await gate.screen('consensus', member, Uint8Array.of(i), false));
    expect(verdicts).toEqual(['accept', 'accept', 'ignore']);
    expect(delivered.length).toBe(2);
    expect(gate.stats.rateLimited).toBe(1);
  });

  it('admitSender takes one token per message; screenAdmitted takes none', async () => {
    const { gate, delivered, member, stranger } = await setup(1);
    expect(gate.admitSender(stranger)).toBe('reject');
    expect(gate.admitSender(member)).toBeUndefined();
    expect(await gate.screenAdmitted('consensus', member, Uint8Array.of(1), true)).toBe('accept');
    expect(await gate.screenAdmitted('consensus', member, Uint8Array.of(2), true)).toBe('accept');
    expect(gate.admitSender(member)).toBe('ignore');
    expect(delivered.map((m) => m.data[0])).toEqual([1, 2]);
  });

  it('counts rejections per sending peer (oversized, malformed, invalid), not ignores or accepts', async () => {
    const { gate, member, stranger } = await setup();
    gate.setValidator('consensus', (m) =>
      m.data[0] === 1 ? 'reject' : m.data[0] === 2 ? 'ignore' : 'accept',
    );
    await gate.screen('consensus', member, Uint8Array.of(1), false);
    await gate.screen('consensus', member, Uint8Array.of(2), false);
    await gate.screen('consensus', member, Uint8Array.of(3), true);
    await gate.screen('consensus', member, new Uint8Array(11), true);
    await gate.screen('envelopes', member, Uint8Array.of(9, 9, 9), false);
    expect(gate.rejectedFrom(member)).toBe(3);
    // A stranger is refused before it is read: counted as not allowed, never per peer.
    await gate.screen('consensus', stranger, Uint8Array.of(1), false);
    expect(gate.rejectedFrom(stranger)).toBe(0);
  });
});
