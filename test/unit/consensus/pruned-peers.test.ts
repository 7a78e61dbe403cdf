// PrunedPeers.choose, the one place state transfer picks peers from pruned answers (for each
// request and after each pruned answer): peers that said they are pruned at the height are left
// out; when every candidate did, all are returned and the height is recorded as unavailable; with
// no candidate at all nothing is recorded (no peer said it is pruned).
import { describe, expect, it } from 'vitest';
import { PrunedPeers } from '../../../consensus/pruned-peers.js';

const id = (s: string): string => s;

describe('PrunedPeers.choose', () => {
  it('leaves out a peer pruned at the height, keeps it for heights it holds', () => {
    const p = new PrunedPeers();
    p.note('a', 13);
    expect(p.choose(['a', 'b', 'c'], id, 5)).toEqual(['b', 'c']);
    expect(p.unavailableFrom).toBe(0);
    expect(p.choose(['a', 'b', 'c'], id, 13)).toEqual(['a', 'b', 'c']);
  });

  it('with every candidate pruned, returns them all and records the height', () => {
    const p = new PrunedPeers();
    p.note('a', 13);
    p.note('b', 20);
    expect(p.choose(['a', 'b'], id, 5)).toEqual(['a', 'b']);
    expect(p.unavailableFrom).toBe(5);
    // A candidate that holds the height clears it again.
    expect(p.choose(['a', 'b', 'c'], id, 5)).toEqual(['c']);
    expect(p.unavailableFrom).toBe(0);
  });

  it('with no candidate, records nothing: no peer said it is pruned', () => {
    const p = new PrunedPeers();
    p.note('a', 13);
    expect(p.choose(['a'], id, 5)).toEqual(['a']);
    expect(p.unavailableFrom).toBe(5);
    expect(p.choose([], id, 5)).toEqual([]);
    expect(p.unavailableFrom).toBe(0);
  });
});
