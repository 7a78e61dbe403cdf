// The liveness policy (node/p2p/liveness.ts): a peer is disconnected after `limit` missed pings in
// a row, never on one, and an answered ping starts the count again; the pinger applies it, and
// does not ping a peer again while its ping is still out (a slow answer is one miss).
import type { Libp2p, PeerId } from '@libp2p/interface';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterPing, MissedPings } from '../../../node/p2p/liveness.js';
import { Pinger } from '../../../node/p2p/pinger.js';

describe('afterPing', () => {
  it('closes on the limit-th miss in a row, not before, and starts again after closing', () => {
    let missed = 0;
    const closes: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const r = afterPing(missed, false, 3);
      missed = r.missed;
      closes.push(r.close);
    }
    expect(closes).toEqual([false, false, true, false, false, true]);
  });

  it('an answered ping resets the count', () => {
    expect(afterPing(2, true, 3)).toEqual({ missed: 0, close: false });
    expect(afterPing(0, false, 3)).toEqual({ missed: 1, close: false });
  });

  it('a limit of 1 (or less) closes on the first miss', () => {
    expect(afterPing(0, false, 1).close).toBe(true);
    expect(afterPing(0, false, 0).close).toBe(true);
  });
});

describe('MissedPings', () => {
  it('keeps one count per peer and forgets a peer', () => {
    const m = new MissedPings(2);
    expect(m.record('a', false)).toBe(false);
    expect(m.record('b', false)).toBe(false);
    expect(m.record('a', true)).toBe(false);
    expect(m.missesOf('a')).toBe(0);
    expect(m.record('a', false)).toBe(false);
    expect(m.record('b', false)).toBe(true);
    m.forget('a');
    expect(m.missesOf('a')).toBe(0);
    expect(m.record('a', false)).toBe(false);
  });
});

describe('Pinger liveness', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const peer = { toString: () => 'peer-x' } as unknown as PeerId;

  it('reports a peer whose pings fail only after the limit in a row', async () => {
    vi.useFakeTimers();
    const dials = vi.fn(() => Promise.reject(new Error('ping timed out')));
    const host = { getPeers: () => [peer], dialProtocol: dials } as unknown as Libp2p;
    const closed: number[] = [];
    const p = new Pinger('/ping', 1_000, 5_000, 3, (_peer, misses) => closed.push(misses));
    p.start(host);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(dials).toHaveBeenCalledTimes(2);
    expect(closed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(closed).toEqual([3]);
    p.stop();
  });

  it('does not ping a peer again while its ping is out', async () => {
    vi.useFakeTimers();
    const dials = vi.fn(() => new Promise<never>(() => undefined));
    const host = { getPeers: () => [peer], dialProtocol: dials } as unknown as Libp2p;
    const closed: PeerId[] = [];
    const p = new Pinger('/ping', 1_000, 5_000, 1, (x) => closed.push(x));
    p.start(host);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(dials).toHaveBeenCalledTimes(1);
    expect(closed).toEqual([]);
    p.stop();
  });
});
