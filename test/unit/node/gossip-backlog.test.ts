// Envelopes gossiped to a node that wait for admission, as a proposal's rebuild looks them up
// (node/gossip-backlog.ts): found by tracing code while queued, gone once admitted, hashed only
// when a look-up needs them, and bounded by the queue it mirrors.
import { describe, expect, it } from 'vitest';
import { envelopeTracingCode } from '../../../node/chain/tx-hash.js';
import { GossipBacklog } from '../../../node/gossip-backlog.js';

const envelope = (i: number): Uint8Array => new TextEncoder().encode(`envelope ${i}`);

describe('gossip backlog', () => {
  it('finds a queued envelope by its tracing code until its batch leaves the queue', () => {
    const b = new GossipBacklog();
    const one = [envelope(1), envelope(2)];
    const two = [envelope(3)];
    b.add(one);
    b.add(two);
    expect(b.get(envelopeTracingCode(envelope(2)))).toBe(one[1]);
    expect(b.get(envelopeTracingCode(envelope(3)))).toBe(two[0]);
    expect(b.get(envelopeTracingCode(envelope(4)))).toBeUndefined();
    b.delete(one);
    expect(b.get(envelopeTracingCode(envelope(2)))).toBeUndefined();
    expect(b.get(envelopeTracingCode(envelope(3)))).toBe(two[0]);
    // A batch added after a look-up is indexed by the next one.
    const three = [envelope(5)];
    b.add(three);
    expect(b.get(envelopeTracingCode(envelope(5)))).toBe(three[0]);
    b.delete(two);
    b.delete(three);
    expect(b.size).toBe(0);
    expect(b.get(envelopeTracingCode(envelope(5)))).toBeUndefined();
  });

  it('a batch admitted before any look-up is never indexed, and the pending list stays bounded', () => {
    const b = new GossipBacklog();
    for (let i = 0; i < 10_000; i++) {
      const batch = [envelope(i)];
      b.add(batch);
      b.delete(batch);
    }
    expect(b.size).toBe(0);
    // The private list of batches not yet indexed is pruned as it grows.
    const unindexed = (b as unknown as { unindexed: unknown[] }).unindexed;
    expect(unindexed.length).toBeLessThanOrEqual(17);
    expect(b.get(envelopeTracingCode(envelope(9_999)))).toBeUndefined();
  });

  it('keeps the last batches the full admission queue turned away, the oldest leaving first', () => {
    const b = new GossipBacklog();
    const batches = [0, 1, 2, 3].map((i) => [envelope(100 + i)]);
    for (const batch of batches) b.overflow(batch, 3);
    expect(b.size).toBe(3);
    expect(b.get(envelopeTracingCode(envelope(100)))).toBeUndefined();
    for (const i of [1, 2, 3]) expect(b.get(envelopeTracingCode(envelope(100 + i)))).toBe(batches[i]![0]);
    // A queued batch turned into an overflowed one is listed once.
    const queued = [envelope(200)];
    b.add(queued);
    b.overflow(queued, 3);
    expect(b.size).toBe(3);
    expect(b.get(envelopeTracingCode(envelope(200)))).toBe(queued[0]);
    expect(b.get(envelopeTracingCode(envelope(101)))).toBeUndefined();
  });
});
