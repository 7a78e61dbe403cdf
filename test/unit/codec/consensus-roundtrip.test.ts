// Round trip and canonical re-encoding of random valid PBFT messages of every type
// (testkit/consensus-arbitraries.ts): decode(encode(x)) is x, encode(decode(b)) is b. The
// captured-cluster tests (consensus-messages.test.ts) cover the messages a cluster happens to
// send; these cover the shapes it seldom does (u64 extremes, senders up to 255, empty and
// several-item lists, proofs with and without bodies, optional fields both ways).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { type ConsensusMessage, MessageType } from '../../../codec/types.js';
import { consensusMessage, consensusMessages } from '../../../testkit/consensus-arbitraries.js';
import { hex } from './helpers.js';

function roundTrips(m: ConsensusMessage): void {
  const b = encodeConsensusMessage(m);
  const d = decodeConsensusMessage(b);
  expect(d).toEqual(m);
  expect(hex(encodeConsensusMessage(d))).toBe(hex(b));
}

describe('consensus messages: random valid values', () => {
  for (const [name, arb] of Object.entries(consensusMessages)) {
    test(`${name}: decode(encode(x)) = x and encode(decode(b)) = b`, () => {
      fc.assert(
        fc.property(arb, (m) => {
          expect(MessageType[m.type]).toBe(name);
          roundTrips(m);
        }),
        { numRuns: 300 },
      );
    });
  }

  test('the arbitraries reach every optional shape', () => {
    const seen = new Set<string>();
    for (const m of fc.sample(consensusMessage, { seed: 1, numRuns: 2000 })) {
      if (m.type === MessageType.ViewChange)
        for (const p of m.prepared) seen.add(p.envelopes ? 'proof with body' : 'proof without body');
      if (m.type === MessageType.NewView && m.viewChanges.some((v) => v.prepared.length > 0))
        seen.add('new-view with prepared proofs');
      if (m.type === MessageType.StateRequest) seen.add(m.key ? 'request by key' : 'request by index');
      if (m.type === MessageType.StateResponse && m.blocks.length > 0)
        seen.add(m.checkpoint ? 'response with checkpoint' : 'response without checkpoint');
    }
    expect([...seen].sort()).toEqual([
      'new-view with prepared proofs',
      'proof with body',
      'proof without body',
      'request by index',
      'request by key',
      'response with checkpoint',
      'response without checkpoint',
    ]);
  });
});
