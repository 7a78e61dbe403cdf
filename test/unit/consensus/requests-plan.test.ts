// The pending-envelope queue (dedupe, bounds, block cutting, memory of commits) and the
// NEW-VIEW plan (TOCS'02 §4.4: highest-view prepared proof per seq above the highest checkpoint).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MessageType, type PreparedProof, type ViewChange } from '../../../codec/types.js';
import { hashKey } from '../../../consensus/bytes.js';
import { newViewPlan } from '../../../consensus/plan.js';
import { RequestQueue } from '../../../consensus/requests.js';

const env = (i: number, size = 8) => {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(0, i);
  return b;
};
const req = (i: number, size = 8) => ({ hash: env(i, 32), bytes: env(i, size) });

describe('request queue', () => {
  test('adds each envelope once, refuses beyond the bound and anything larger than a block', () => {
    const q = new RequestQueue(3, 4, () => 100);
    expect(q.add([req(1), req(1), req(2)], 0)).toBe(2);
    expect(q.add([req(3, 101)], 0)).toBe(0);
    expect(q.add([req(3), req(4)], 0)).toBe(1);
    expect(q.size).toBe(3);
    expect(q.bytes).toBe(24);
  });

  test('cuts blocks from the front within the count and byte limits', () => {
    const q = new RequestQueue(10, 4, () => 100);
    q.add([req(1, 10), req(2, 10), req(3, 10)], 5);
    expect(q.take(2, 100).map((b) => b[3])).toEqual([1, 2]);
    expect(q.take(10, 25)).toHaveLength(2);
    expect(q.oldestArrival()).toBe(5);
  });

  test('committed envelopes leave the queue and are refused for the next keepHeights blocks', () => {
    const q = new RequestQueue(10, 2, () => 100);
    q.add([req(1), req(2)], 0);
    q.markCommitted(1, [hashKey(env(1, 32))]);
    expect(q.size).toBe(1);
    expect(q.add([req(1)], 1)).toBe(0);
    q.markCommitted(2, []);
    q.markCommitted(3, []);
    expect(q.wasCommitted(hashKey(env(1, 32)))).toBe(false);
    expect(q.add([req(1)], 2)).toBe(1);
  });

  test('property: size and bytes always match what is pending', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 }))), (ops) => {
        const q = new RequestQueue(8, 3, () => 100);
        const pending = new Set<number>();
        let height = 0;
        for (const [add, i] of ops) {
          if (add) {
            if (q.add([req(i)], 0) === 1) pending.add(i);
          } else {
            q.markCommitted(++height, [hashKey(env(i, 32))]);
            pending.delete(i);
          }
          expect(q.size).toBe(pending.size);
          expect(q.bytes).toBe(8 * pending.size);
        }
      }),
    );
  });
});

const hash = (b: number) => new Uint8Array(32).fill(b);
const header = (seq: number) => ({
  chainId: hash(0),
  height: seq,
  view: 0,
  time: seq,
  parentHash: hash(0),
  txRoot: hash(0),
  txCount: 0,
  stateRoot: hash(0),
  validatorSetHash: hash(0),
  proposer: 0,
  hashLogRoot: hash(0),
});
const proof = (seq: number, view: number, digest: number, body?: Uint8Array[]): PreparedProof => ({
  view,
  seq,
  digest: hash(digest),
  header: header(seq),
  prePrepareSignature: new Uint8Array(64),
  prepares: [],
  ...(body ? { envelopes: body } : {}),
});
const vc = (sender: number, stableSeq: number, prepared: PreparedProof[]): ViewChange => ({
  type: MessageType.ViewChange,
  newView: 5,
  stableSeq,
  stableDigest: hash(100 + stableSeq),
  checkpointProof: [],
  prepared,
  sender,
  signature: new Uint8Array(64),
});

describe('new-view plan', () => {
  test('starts above the highest stable checkpoint and takes the highest-view proof per seq', () => {
    const plan = newViewPlan([
      vc(0, 4, [proof(5, 1, 51), proof(6, 1, 61)]),
      vc(1, 8, []),
      vc(2, 4, [proof(9, 2, 91), proof(9, 3, 92), proof(10, 1, 101)]),
      vc(3, 4, [proof(9, 1, 93)]),
    ]);
    expect(plan.stable.seq).toBe(8);
    expect(plan.stable.digest).toEqual(hash(108));
    expect(plan.entries.map((e) => [e.seq, e.digest[0]])).toEqual([
      [9, 92],
      [10, 101],
    ]);
  });

  test('ends at the first gap: a block after a gap cannot have committed in a chain', () => {
    const plan = newViewPlan([vc(0, 0, [proof(1, 0, 11), proof(3, 0, 31)]), vc(1, 0, []), vc(2, 0, [])]);
    expect(plan.entries.map((e) => e.seq)).toEqual([1]);
  });

  test('takes a body carried by any VIEW-CHANGE whose proof has the chosen digest', () => {
    const body = [env(7)];
    const plan = newViewPlan([
      vc(0, 0, [proof(1, 2, 11)]),
      vc(1, 0, [proof(1, 1, 12, [env(9)])]),
      vc(2, 0, [proof(1, 2, 11, body)]),
    ]);
    expect(plan.entries[0]!.digest).toEqual(hash(11));
    expect(plan.entries[0]!.envelopes).toBe(body);
  });
});
