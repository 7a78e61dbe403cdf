import { describe, expect, it } from 'vitest';
import {
  addBlockViews,
  type BlockViewPoint,
  blockViewChanges,
  nodeViewChanges,
  type ViewPoint,
  viewChanges,
  viewSeries,
} from '../../../console/web/view-changes.js';

const pt = (time: number, view?: number, primary?: number): ViewPoint => ({
  time,
  ...(view === undefined ? {} : { view }),
  ...(primary === undefined ? {} : { primary }),
});
const blk = (height: number, view: number, proposer = view % 4): BlockViewPoint => ({
  height,
  time: height * 1000,
  view,
  proposer,
});

describe('view changes', () => {
  it('finds none while the view stays put', () => {
    expect(nodeViewChanges('n0', [pt(1, 2, 2), pt(2, 2, 2), pt(3), pt(4, 2, 2)])).toEqual([]);
    expect(blockViewChanges([blk(1, 0), blk(2, 0), blk(3, 0)])).toEqual([]);
    expect(viewChanges(new Map([['n0', [pt(1, 0), pt(2, 0)]]]), [blk(1, 0), blk(2, 0)])).toEqual([]);
  });

  it('reports one change, from a node’s samples and from the blocks, with the new primary', () => {
    expect(nodeViewChanges('n1', [pt(1, 0, 0), pt(2, 0, 0), pt(3, 1, 1), pt(4, 1, 1)])).toEqual([
      { source: 'n1', time: 3, from: 0, to: 1, primary: 1, lowered: false },
    ]);
    expect(blockViewChanges([blk(5, 0), blk(6, 0), blk(7, 2, 2)])).toEqual([
      { source: 'chain', time: 7000, height: 7, from: 0, to: 2, primary: 2, lowered: false },
    ]);
  });

  it('flags a node that restarted with a lower view', () => {
    const changes = nodeViewChanges('n2', [pt(1, 3, 3), pt(2), pt(3, 0, 0), pt(4, 3, 3)]);
    expect(changes.map((c) => [c.from, c.to, c.lowered])).toEqual([
      [3, 0, true],
      [0, 3, false],
    ]);
  });

  it('orders samples and blocks that arrive out of order, one per time or height', () => {
    expect(nodeViewChanges('n3', [pt(4, 1), pt(1, 0), pt(3, 1), pt(2, 0)])).toEqual([
      { source: 'n3', time: 3, from: 0, to: 1, lowered: false },
    ]);
    expect(viewSeries([pt(3, 2), pt(1, 0), pt(2, 1), pt(2, 1), pt(5)])).toEqual([0, 1, 2]);
    expect(blockViewChanges([blk(3, 1), blk(1, 0), blk(2, 0), blk(2, 0)]).map((c) => c.height)).toEqual([3]);
  });

  it('does not guess where the view moved across a gap in the heights', () => {
    expect(blockViewChanges([blk(1, 0), blk(5, 1)])).toEqual([]);
  });

  it('lists every source’s changes newest first, bounded', () => {
    const samples = new Map([
      ['a', [pt(1000, 0), pt(2500, 1)]],
      ['b', [pt(1000, 0), pt(4500, 1)]],
    ]);
    const all = viewChanges(samples, [blk(1, 0), blk(2, 0), blk(3, 1)]);
    expect(all.map((c) => [c.source, c.time])).toEqual([
      ['b', 4500],
      ['chain', 3000],
      ['a', 2500],
    ]);
    expect(viewChanges(samples, [blk(1, 0), blk(2, 0), blk(3, 1)], 1).map((c) => c.source)).toEqual(['b']);
  });

  it('remembers each block’s view once, the highest heights kept', () => {
    const kept: BlockViewPoint[] = [];
    addBlockViews(kept, [blk(2, 0), blk(3, 0)], 3);
    addBlockViews(kept, [blk(3, 0), blk(4, 1), blk(1, 0)], 3);
    expect(kept.map((b) => b.height)).toEqual([2, 3, 4]);
  });
});
