// The set checker (e2e/checker.ts) on hand-made histories: a clean run, then each anomaly alone.
import { describe, expect, it } from 'vitest';
import { checkSet, describeSetCheck, type HistoryEvent } from '../../../e2e/checker.js';

const sent = (id: string): HistoryEvent => ({ kind: 'sent', id });
const acked = (id: string, by = 0): HistoryEvent => ({ kind: 'acked', id, by });
const committed = (id: string, by = 0): HistoryEvent => ({ kind: 'committed', id, by });

const clean: HistoryEvent[] = [sent('a'), acked('a'), committed('a'), sent('b'), acked('b'), committed('b')];

describe('checkSet', () => {
  it('a clean history: every element once in every chain', () => {
    const r = checkSet(clean, [
      { node: 0, ids: ['a', 'b'] },
      { node: 1, ids: ['a', 'b'] },
    ]);
    expect(r.ok).toBe(true);
    expect(r.counts).toEqual({ sent: 2, acked: 2, committed: 2, abandoned: 0, read: 2 });
    expect(describeSetCheck(r)).toHaveLength(1);
  });

  it('lost: seen committed, missing from one node', () => {
    const r = checkSet(clean, [
      { node: 0, ids: ['a', 'b'] },
      { node: 1, ids: ['a'] },
    ]);
    expect(r.ok).toBe(false);
    expect(r.lost).toEqual([{ id: 'b', node: 1 }]);
    expect(describeSetCheck(r).join('\n')).toContain('LOST 1');
  });

  it('duplicated: one element committed twice in a chain', () => {
    const r = checkSet(clean, [{ node: 2, ids: ['a', 'b', 'a'] }]);
    expect(r.ok).toBe(false);
    expect(r.duplicated).toEqual([{ id: 'a', node: 2, count: 2 }]);
  });

  it('unexpected: an element the load never sent', () => {
    const r = checkSet(clean, [{ node: 0, ids: ['a', 'b', 'z'] }]);
    expect(r.ok).toBe(false);
    expect(r.unexpected).toEqual([{ id: 'z', node: 0 }]);
  });

  it('unconfirmed: acknowledged, never committed and not abandoned', () => {
    const h = [...clean, sent('c'), acked('c')];
    const r = checkSet(h, [{ node: 0, ids: ['a', 'b'] }]);
    expect(r.unconfirmed).toEqual(['c']);
    expect(r.ok).toBe(false);
    // Abandoned (REPLAYED) is an answer: the site makes the record anew.
    const gaveUp = checkSet(
      [...h, { kind: 'abandoned', id: 'c', reason: 'REPLAYED' }],
      [{ node: 0, ids: ['a', 'b'] }],
    );
    expect(gaveUp.ok).toBe(true);
  });

  it('an indeterminate upload that committed is recovered, not an anomaly', () => {
    const r = checkSet([...clean, sent('d')], [{ node: 0, ids: ['a', 'b', 'd'] }]);
    expect(r.ok).toBe(true);
    expect(r.recovered).toBe(1);
  });
});
