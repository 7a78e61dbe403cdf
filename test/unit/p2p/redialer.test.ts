import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redialer, type RedialHooks } from '../../../node/p2p/redialer.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Hooks whose dial fails until `up` is set; records dial times. */
function fakePeer(allowed = true) {
  const state = { up: false, connected: false, allowed, dials: [] as number[] };
  const hooks: RedialHooks = {
    dial: async () => {
      state.dials.push(Date.now());
      if (!state.up) throw new Error('refused');
      state.connected = true;
    },
    isConnected: () => state.connected,
    isAllowed: () => state.allowed,
  };
  return { state, hooks };
}

const target = { peerId: 'p', addr: '/ip4/127.0.0.1/tcp/1/p2p/p' };

describe('bootstrap re-dialer', () => {
  it('dials at start and backs off with growing, capped gaps while the peer is down', async () => {
    const { state, hooks } = fakePeer();
    const r = new Redialer([target], hooks, 100, 1000);
    const t0 = Date.now();
    r.start();
    await vi.advanceTimersByTimeAsync(20_000);
    r.stop();
    const gaps = state.dials.map((t, i) => t - (i === 0 ? t0 : state.dials[i - 1]!));
    expect(gaps[0]).toBe(0);
    // With jitter each gap is in [base/2, base], base = min(1000, 100 * 2^n).
    gaps.slice(1).forEach((g, i) => {
      const base = Math.min(1000, 100 * 2 ** (i + 1));
      expect(g).toBeGreaterThanOrEqual(base / 2);
      expect(g).toBeLessThanOrEqual(base);
    });
    expect(state.dials.length).toBeGreaterThan(15);
  });

  it('stops dialing once connected, and dials again soon after a nudge', async () => {
    const { state, hooks } = fakePeer();
    const r = new Redialer([target], hooks, 100, 1000);
    state.up = true;
    r.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.dials.length).toBe(1);
    state.connected = false;
    r.nudge('p');
    await vi.advanceTimersByTimeAsync(100);
    expect(state.dials.length).toBe(2);
    r.nudge('someone-else');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.dials.length).toBe(2);
    r.stop();
  });

  it('never dials a peer outside the allow list, until it is allowed', async () => {
    const { state, hooks } = fakePeer(false);
    state.up = true;
    const r = new Redialer([target], hooks, 100, 1000);
    r.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.dials).toEqual([]);
    state.allowed = true;
    r.nudgeAll();
    await vi.advanceTimersByTimeAsync(100);
    expect(state.dials.length).toBe(1);
    r.stop();
  });

  it('a hook that throws counts as a failed attempt: retried with backoff, no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { state, hooks } = fakePeer();
      let checks = 0;
      hooks.isConnected = () => {
        checks++;
        throw new TypeError('not a peer ID');
      };
      const r = new Redialer([target], hooks, 100, 1000);
      r.start();
      await vi.advanceTimersByTimeAsync(5_000);
      r.stop();
      expect(checks).toBeGreaterThan(3);
      expect(state.dials).toEqual([]);
      // Node reports unhandled rejections once the microtasks of a real macrotask have run.
      vi.useRealTimers();
      for (let i = 0; i < 3; i++) await new Promise((res) => setImmediate(res));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('after stop, no timer fires', async () => {
    const { state, hooks } = fakePeer();
    const r = new Redialer([target], hooks, 100, 1000);
    r.start();
    r.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.dials).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
