// Requests the driver drops (it evicted their envelopes: another envelope spent their signer's
// sequence number, so they can never be applied): a backup no longer waits for them, so neither its
// view timer nor its anti-censorship timer starts a view change that no other replica would join.
import { describe, expect, test } from 'vitest';
import { defaultConsensusParams, Replica } from '../../../consensus/index.js';
import { RequestQueue } from '../../../consensus/requests.js';
import { Cluster } from '../../../testkit/sim/cluster.js';
import { CHAIN_ID, GENESIS_HASH } from '../../../testkit/sim/node.js';
import { stubHash, stubPublicKey } from '../../../testkit/sim/stub-crypto.js';

const params = defaultConsensusParams();

/** A backup (index 1 of 4) that hears nothing from the others, holding one envelope. */
function lonelyBackup(): Replica {
  const deps = new Cluster({ n: 4, seed: 1 }).nodes[1]!.deps;
  const r = new Replica(
    {
      chainId: CHAIN_ID,
      self: 1,
      validators: Array.from({ length: 4 }, (_, i) => stubPublicKey(i)),
      params,
      tip: { height: 0, hash: GENESIS_HASH },
    },
    deps,
  );
  r.addRequests([{ hash: hashOf(7), bytes: new Uint8Array([7]) }]);
  return r;
}

const hashOf = (i: number) => stubHash(new Uint8Array([i]), 3);

function tickPast(r: Replica, ticks: number): void {
  for (let t = 0; t < ticks; t++) r.tick();
}

describe('requests the driver drops', () => {
  test('a backup left waiting for an envelope starts a view change (the case being fixed)', () => {
    const r = lonelyBackup();
    tickPast(r, params.requestTimeoutTicks + 1);
    expect(r.state.inViewChange).toBe(true);
  });

  test('once the driver drops the envelope, no timer fires', () => {
    const r = lonelyBackup();
    tickPast(r, params.viewTimeoutTicks - 1);
    expect(r.dropRequests([hashOf(7), hashOf(8)])).toBe(1);
    expect(r.footprint().pending).toBe(0);
    tickPast(r, 2 * params.requestTimeoutTicks);
    expect(r.state.inViewChange).toBe(false);
    expect(r.state.view).toBe(0);
  });

  test('the queue forgets dropped envelopes: bytes, the oldest arrival, and what a block takes', () => {
    const q = new RequestQueue(10, 4, () => 100);
    const req = (i: number) => ({ hash: hashOf(i), bytes: new Uint8Array(4).fill(i) });
    q.add([req(1)], 3);
    q.add([req(2)], 5);
    expect(q.drop([hashOf(1), hashOf(9)])).toBe(1);
    expect([q.size, q.bytes, q.oldestArrival()]).toEqual([1, 4, 5]);
    expect(q.take(10, 100)).toEqual([new Uint8Array(4).fill(2)]);
    // Dropped, not committed: the same envelope may be added again (admission decides that).
    expect(q.add([req(1)], 6)).toBe(1);
  });
});
