// The relay's rules on a fake clock: nothing under overload (full blocks), envelopes passed over
// by a block with room, everything old once the chain stalls, a pause between relays of one
// envelope, a retry next round when no peer took them, and no relay of what the screen evicts.
import { describe, expect, it } from 'vitest';
import { Mempool, type MempoolEntry } from '../../../node/chain/mempool.js';
import {
  blockHasRoom,
  dueForRelay,
  EnvelopeRelay,
  type RelayOptions,
  relayOptionsOf,
} from '../../../node/relay.js';

const o: RelayOptions = { intervalMs: 100, stallMs: 1000, passedOverMs: 2000, maxPerRound: 3 };

function setup(screen?: (due: MempoolEntry[]) => MempoolEntry[]) {
  let now = 0;
  const clock = () => now;
  const mempool = new Mempool({ maxEnvelopes: 100, maxBytes: 1 << 20 }, clock);
  const add = (id: number): void => {
    mempool.add({ id: String(id), bytes: Uint8Array.of(id), code: new Uint8Array(32), signer: 's', seq: id });
  };
  const sent: number[][] = [];
  let peers = 2;
  const relay = new EnvelopeRelay(
    {
      mempool,
      now: clock,
      send: async (envs) => {
        sent.push(envs.map((e) => e[0]!));
        return peers;
      },
      onError: (err) => {
        throw err;
      },
      screen,
    },
    o,
  );
  return {
    mempool,
    relay,
    sent,
    add,
    at: (t: number) => {
      now = t;
    },
    setPeers: (p: number) => {
      peers = p;
    },
  };
}

describe('envelope relay', () => {
  it('relays nothing while full blocks keep committing, whatever the envelopes age', async () => {
    const s = setup();
    s.add(1);
    s.add(2);
    for (let t = 500; t <= 10_000; t += 500) {
      s.at(t);
      s.relay.noteCommitted(t, false);
      expect(await s.relay.round()).toBe(0);
    }
    expect(s.sent).toEqual([]);
  });

  it('relays an envelope a block with room passed over, judged by the proposal time of the block', async () => {
    const s = setup();
    s.add(1);
    s.at(600);
    s.add(2);
    s.at(4000);
    // Proposed at 2,100 and committed only at 4,000 (a slow pipeline): envelope 2 arrived 1,500 ms
    // before the proposal, so only envelope 1 (2,100 ms before) was passed over.
    s.relay.noteCommitted(2100, true);
    expect(await s.relay.round()).toBe(1);
    expect(s.sent).toEqual([[1]]);
  });

  it('relays every old envelope when the chain stalls, at most maxPerRound, then backs off per envelope', async () => {
    const s = setup();
    for (let id = 1; id <= 5; id++) s.add(id);
    s.at(999);
    expect(await s.relay.round()).toBe(0);
    s.at(1000);
    expect(await s.relay.round()).toBe(3);
    expect(await s.relay.round()).toBe(2);
    expect(s.sent).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    // Each next relay of an envelope waits twice as long: 2,000 ms after the first.
    s.at(2999);
    expect(await s.relay.round()).toBe(0);
    s.at(3000);
    expect(await s.relay.round()).toBe(3);
    s.at(6999);
    expect(await s.relay.round()).toBe(2);
    expect(await s.relay.round()).toBe(0);
    s.at(7000);
    expect(await s.relay.round()).toBe(3);
  });

  it('tries again next round when no peer took the envelopes', async () => {
    const s = setup();
    s.add(1);
    s.at(1000);
    s.setPeers(0);
    expect(await s.relay.round()).toBe(0);
    s.setPeers(1);
    expect(await s.relay.round()).toBe(1);
    expect(s.sent).toEqual([[1], [1]]);
    expect(s.relay.relayed).toBe(1);
  });

  it('sends only what the screen keeps: an envelope that can never be applied is evicted, not relayed', async () => {
    const screened: string[][] = [];
    const s = setup((due) => {
      screened.push(due.map((e) => e.id));
      const dead = due.filter((e) => e.seq === 2);
      s.mempool.remove(dead.map((e) => e.id));
      return due.filter((e) => e.seq !== 2);
    });
    s.add(1);
    s.add(2);
    s.at(1000);
    expect(await s.relay.round()).toBe(1);
    expect(s.sent).toEqual([[1]]);
    expect(screened).toEqual([['1', '2']]);
    expect(s.mempool.has('2')).toBe(false);
    // Nothing due: the screen is not asked.
    expect(await s.relay.round()).toBe(0);
    expect(screened).toHaveLength(1);
  });

  it('forgets committed envelopes (they leave the mempool)', async () => {
    const s = setup();
    s.add(1);
    s.add(2);
    s.mempool.remove(['1']);
    s.at(1000);
    expect(
      dueForRelay(s.mempool, 1000, { lastCommitAt: 0, lastSpareProposedAt: 0 }, o).map((e) => e.id),
    ).toEqual(['2']);
  });

  it('reads its options at every round: a longer stall set meanwhile holds envelopes back', async () => {
    let opts = o;
    const mempool = new Mempool({ maxEnvelopes: 100, maxBytes: 1 << 20 }, () => 0);
    mempool.add({ id: '1', bytes: Uint8Array.of(1), code: new Uint8Array(32), signer: 's', seq: 1 });
    let now = 0;
    const sent: number[] = [];
    const relay = new EnvelopeRelay(
      {
        mempool,
        now: () => now,
        send: async (envs) => {
          sent.push(envs.length);
          return 1;
        },
        onError: (err) => {
          throw err;
        },
      },
      () => opts,
    );
    opts = { ...o, stallMs: 5000, passedOverMs: 10_000 };
    now = 1500;
    expect(await relay.round()).toBe(0);
    now = 5000;
    expect(await relay.round()).toBe(1);
    expect(sent).toEqual([1]);
  });

  it('waits two periods or half a view timeout, whichever is longer', () => {
    expect(relayOptionsOf({ periodMs: 200, viewTimeoutMs: 1500 }).stallMs).toBe(750);
    expect(relayOptionsOf({ periodMs: 1000, viewTimeoutMs: 1500 }).stallMs).toBe(2000);
  });
});

describe('blockHasRoom', () => {
  const limits = { maxBlockEnvelopes: 10, maxBlockBytes: 1000 };
  it('is false at 90% of either limit, true below both', () => {
    expect(
      blockHasRoom(
        Array.from({ length: 8 }, () => new Uint8Array(100)),
        limits,
      ),
    ).toBe(true);
    expect(
      blockHasRoom(
        Array.from({ length: 9 }, () => new Uint8Array(10)),
        limits,
      ),
    ).toBe(false);
    expect(blockHasRoom([new Uint8Array(900)], limits)).toBe(false);
    expect(blockHasRoom([new Uint8Array(899)], limits)).toBe(true);
  });
});
