import { afterEach, describe, expect, it, vi } from 'vitest';
import { GossipWatchdog } from '../../../node/p2p/gossip-watchdog.js';

function view(connected: string[], gossiping: string[]) {
  const state = { connected, gossiping: new Set(gossiping), hungUp: [] as string[] };
  return {
    state,
    view: {
      connected: () => state.connected,
      gossiping: () => state.gossiping,
      hangUp: (id: string) => state.hungUp.push(id),
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('gossip watchdog', () => {
  it('hangs up on a connected peer missing from gossip for maxStrikes sweeps in a row', () => {
    const { state, view: v } = view(['a', 'b'], ['a']);
    const w = new GossipWatchdog(v, 0, 3);
    expect(w.sweep()).toEqual([]);
    expect(w.sweep()).toEqual([]);
    expect(w.sweep()).toEqual(['b']);
    expect(state.hungUp).toEqual(['b']);
  });

  it('forgives a peer that starts gossiping or disconnects in between', () => {
    const { state, view: v } = view(['a', 'b'], []);
    const w = new GossipWatchdog(v, 0, 2);
    w.sweep();
    state.gossiping = new Set(['a']); // a's streams came up
    state.connected = ['a']; // b went away
    w.sweep();
    state.connected = ['a', 'b']; // b is back: its count starts again
    expect(w.sweep()).toEqual([]);
    expect(w.sweep()).toEqual(['b']);
    expect(state.hungUp).toEqual(['b']);
  });

  it('sweeps on its interval once started, and not after stop', async () => {
    vi.useFakeTimers();
    const { state, view: v } = view(['a'], []);
    const w = new GossipWatchdog(v, 100, 2);
    w.start();
    await vi.advanceTimersByTimeAsync(199);
    expect(state.hungUp).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.hungUp).toEqual(['a']);
    w.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.hungUp).toEqual(['a']);
  });
});
