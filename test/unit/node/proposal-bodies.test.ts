// PRE-PREPAREs by reference through the node's real driver (node/consensus-driver.ts,
// node/proposal-bodies.ts): a backup rebuilds the block from its mempool and PREPAREs; it asks
// the primary for exactly the envelopes it lacks; envelopes that gossip brings while it waits are
// taken from the mempool; a primary that answers with other envelopes, or a block whose codes do
// not match its header, gets no PREPARE, and the backup goes on with the next proposal.

import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import {
  decodeBodiesRequest,
  decodeBodiesResponse,
  encodeBodiesRequest,
  encodeBodiesResponse,
} from '../../../codec/proposal-ref.js';
import { type ConsensusMessage, MessageType, type PrePrepare } from '../../../codec/types.js';
import { bytesEqual } from '../../../consensus/bytes.js';
import { proposalRefOf } from '../../../consensus/proposal-ref.js';
import { NodeError, NodeErrorCode } from '../../../node/errors.js';
import { P2PError, P2PErrorCode } from '../../../node/p2p/index.js';
import { ProposalBodies } from '../../../node/proposal-bodies.js';
import { Cluster } from '../../../testkit/sim/cluster.js';
import { stubHash } from '../../../testkit/sim/stub-crypto.js';
import { type DriverHarness, driverHarness } from '../../sim/driver-harness.js';

/** Validator 0's PRE-PREPARE of block 1 holding three envelopes, from a simulated cluster. */
function proposal(): { pp: PrePrepare; envs: Uint8Array[] } {
  let pp: PrePrepare | undefined;
  const c = new Cluster({
    n: 4,
    seed: 11,
    tap: (m) => {
      if (m.type === MessageType.PrePrepare && pp === undefined) pp = m;
    },
  });
  c.request(3);
  c.runUntil(() => pp !== undefined, 100);
  if (pp === undefined) throw new Error('no PRE-PREPARE');
  expect(pp.block.envelopes).toHaveLength(3);
  return { pp, envs: pp.block.envelopes };
}

const prepared = (h: DriverHarness, pp: PrePrepare): boolean =>
  h.events.some(
    (e) =>
      e.kind === 'send' &&
      e.msg.type === MessageType.Prepare &&
      e.msg.seq === pp.seq &&
      bytesEqual(e.msg.digest, pp.digest),
  );

/** The indexes of each BODIES-REQUEST the harness's primary was asked. */
function asked(
  h: DriverHarness,
  answer: (indexes: number[], call: number) => Promise<Uint8Array>,
): number[][] {
  const calls: number[][] = [];
  h.serve = async (_index, request) => {
    const { indexes } = decodeBodiesRequest(request);
    calls.push(indexes);
    return answer(indexes, calls.length);
  };
  return calls;
}

let h: DriverHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('proposals by reference in the driver', () => {
  test('all envelopes held: the block is rebuilt from the mempool and PREPAREd, nothing fetched', async () => {
    const { pp, envs } = proposal();
    h = await driverHarness(1, 4);
    const calls = asked(h, () => Promise.reject(new Error('not expected')));
    await h.admit(envs);
    await h.deliver([pp]);
    expect(calls).toEqual([]);
    expect(h.bodies.stats).toMatchObject({ whole: 1, fetched: 0, dropped: 0 });
    expect(prepared(h, pp)).toBe(true);
    expect(h.fatal).toEqual([]);
  });

  test('some missing: exactly those are asked of the primary, then PREPARE', async () => {
    const { pp, envs } = proposal();
    h = await driverHarness(1, 4);
    const calls = asked(h, async (ix) => encodeBodiesResponse(ix.map((i) => envs[i]!)));
    await h.admit([envs[1]!]);
    await h.deliver([pp]);
    expect(calls).toEqual([[0, 2]]);
    expect(h.bodies.stats).toMatchObject({ whole: 0, fetched: 1, envelopesFetched: 2, forged: 0 });
    expect(prepared(h, pp)).toBe(true);
  });

  test('late: envelopes gossip brings while the first fetch fails are taken from the mempool', async () => {
    const { pp, envs } = proposal();
    h = await driverHarness(1, 4);
    const harness = h;
    const calls = asked(h, async (ix, call) => {
      if (call === 1) {
        harness.gossip([envs[0]!, envs[2]!]);
        throw new Error('deadline passed');
      }
      return encodeBodiesResponse(ix.map((i) => envs[i]!));
    });
    await h.admit([envs[1]!]);
    await h.deliver([pp]);
    expect(calls).toEqual([[0, 2]]);
    expect(h.bodies.stats).toMatchObject({ fetched: 1, envelopesFetched: 0 });
    expect(prepared(h, pp)).toBe(true);
  });

  test('forged bodies: refused on every attempt, no PREPARE, and the next proposal is still served', async () => {
    const { pp, envs } = proposal();
    h = await driverHarness(1, 4);
    const other = new TextEncoder().encode('an envelope the proposal does not name');
    let honest = false;
    const calls = asked(h, async (ix) => encodeBodiesResponse(ix.map((i) => (honest ? envs[i]! : other))));
    await h.admit([envs[0]!]);
    await h.deliver([pp]);
    expect(calls).toHaveLength(3);
    expect(h.bodies.stats).toMatchObject({ forged: 3, dropped: 1 });
    expect(prepared(h, pp)).toBe(false);
    // Not stalled: the same PRE-PREPARE, retransmitted and answered honestly, is prepared.
    honest = true;
    await h.deliver([pp]);
    expect(prepared(h, pp)).toBe(true);
    expect(h.fatal).toEqual([]);
  });

  test('codes that do not match the header (txRoot): the core refuses the block, no PREPARE', async () => {
    const { pp, envs } = proposal();
    h = await driverHarness(1, 4);
    const others = [0, 1, 2].map((i) => new TextEncoder().encode(`not in the block ${i}`));
    await h.admit([...envs, ...others]);
    const forged: ConsensusMessage = { ...pp, block: { header: pp.block.header, envelopes: others } };
    await h.deliver([forged]);
    expect(h.bodies.stats.whole).toBe(1);
    expect(prepared(h, pp)).toBe(false);
    expect(Object.values(h.replica.stats.dropped).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  test('the primary answers from the proposals it sent last, and refuses what it does not hold', () => {
    const { pp, envs } = proposal();
    const primary = new ProposalBodies(
      {
        lookup: () => undefined,
        request: () => Promise.reject(new Error('unused')),
        txHash: (e) => stubHash(e, 3),
        log: pino({ level: 'silent' }),
      },
      { fetchTimeoutMs: 1000, attempts: 3, maxResolving: 8, maxHeld: 2 },
    );
    primary.remember(pp);
    const ask = (digest: Uint8Array, indexes: number[]) =>
      primary.answer(encodeBodiesRequest({ digest, indexes }));
    expect(decodeBodiesResponse(ask(pp.digest, [0, 2]), 2)).toEqual([envs[0], envs[2]]);
    const notFound = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof NodeError && e.code === NodeErrorCode.NotFound;
      }
      return false;
    };
    expect(notFound(() => ask(pp.digest, [3]))).toBe(true);
    expect(notFound(() => ask(new Uint8Array(32).fill(1), [0]))).toBe(true);
    // Only the newest maxHeld proposals are kept.
    primary.remember({ ...pp, digest: new Uint8Array(32).fill(2) });
    primary.remember({ ...pp, digest: new Uint8Array(32).fill(3) });
    expect(notFound(() => ask(pp.digest, [0]))).toBe(true);
  });
});

describe('proposals by reference: envelopes waiting for admission, and the counters', () => {
  const txHash = (e: Uint8Array) => stubHash(e, 3);
  /** A replica's ProposalBodies: `mempool` and `backlog` hold envelopes, `request` answers exchanges. */
  function replica(o: {
    mempool: Uint8Array[];
    backlog: Uint8Array[];
    request: (indexes: number[]) => Promise<Uint8Array>;
    clock?: number[];
  }) {
    const find = (list: Uint8Array[]) => (code: Uint8Array) => list.find((e) => bytesEqual(txHash(e), code));
    const calls: number[][] = [];
    const clock = o.clock;
    const bodies = new ProposalBodies(
      {
        lookup: find(o.mempool),
        pending: find(o.backlog),
        request: (_index, bytes) => {
          const { indexes } = decodeBodiesRequest(bytes);
          calls.push(indexes);
          return o.request(indexes);
        },
        txHash,
        log: pino({ level: 'silent' }),
        ...(clock === undefined ? {} : { now: () => clock.shift() ?? 0 }),
      },
      { fetchTimeoutMs: 1000, attempts: 3, maxResolving: 8, maxHeld: 8 },
    );
    return { bodies, calls };
  }

  test('the missing envelopes all wait for admission: the block is whole without an exchange', async () => {
    const { pp, envs } = proposal();
    const r = replica({
      mempool: [envs[0]!],
      backlog: [envs[1]!, envs[2]!],
      request: () => Promise.reject(new Error('not expected')),
    });
    const whole = await r.bodies.resolve(proposalRefOf(pp, txHash));
    expect(whole?.block.envelopes).toEqual(envs);
    expect(r.calls).toEqual([]);
    expect(r.bodies.stats).toMatchObject({
      whole: 0,
      backlog: 1,
      envelopesFromBacklog: 2,
      exchanges: 0,
      fetched: 0,
    });
  });

  test('only what neither the mempool nor the backlog holds is asked of the primary', async () => {
    const { pp, envs } = proposal();
    const r = replica({
      mempool: [],
      backlog: [envs[1]!],
      request: async (ix) => encodeBodiesResponse(ix.map((i) => envs[i]!)),
      clock: [100, 350],
    });
    const whole = await r.bodies.resolve(proposalRefOf(pp, txHash));
    expect(whole?.block.envelopes).toEqual(envs);
    expect(r.calls).toEqual([[0, 2]]);
    expect(r.bodies.stats).toMatchObject({
      backlog: 0,
      fetched: 1,
      envelopesFromBacklog: 1,
      envelopesFetched: 2,
      exchanges: 1,
      timeouts: 0,
      waitMs: 250,
    });
  });

  test('exchanges past their deadline are counted apart from other failures, with the time waited', async () => {
    const { pp } = proposal();
    let call = 0;
    const r = replica({
      mempool: [],
      backlog: [],
      request: async () => {
        call++;
        if (call === 2) throw new NodeError(NodeErrorCode.NotFound, 'proposal not held');
        throw new P2PError(P2PErrorCode.Timeout, 'stream deadline passed', { ms: 1000 });
      },
      clock: [0, 3_000],
    });
    expect(await r.bodies.resolve(proposalRefOf(pp, txHash))).toBeUndefined();
    expect(r.bodies.stats).toMatchObject({
      exchanges: 3,
      timeouts: 2,
      failures: 1,
      dropped: 1,
      waitMs: 3_000,
    });
  });

  test('the primary counts the requests it serves and the envelopes it sends', () => {
    const { pp } = proposal();
    const primary = replica({ mempool: [], backlog: [], request: () => Promise.reject(new Error('unused')) });
    primary.bodies.remember(pp);
    primary.bodies.answer(encodeBodiesRequest({ digest: pp.digest, indexes: [0, 2] }));
    expect(primary.bodies.stats).toMatchObject({ served: 1, envelopesServed: 2 });
  });
});
