// The cluster consistency check against fake nodes: a healthy set agrees; a node whose state root
// differs from some height on is named, with the first bad height found by the binary search.
import { describe, expect, it } from 'vitest';
import { checkConsistency, type NodeProbe, sampleHeights } from '../../../cli/consistency.js';

function node(name: string, height: number, badFrom = Number.POSITIVE_INFINITY, asked?: number[]): NodeProbe {
  return {
    name,
    height: async () => height,
    at: async (h) => {
      asked?.push(h);
      if (h > height) throw new Error(`no block ${h}`);
      return { hash: `block-${h}`, stateRoot: h >= badFrom ? `corrupt-${h}` : `root-${h}` };
    },
  };
}

describe('cluster consistency check', () => {
  it('reports no divergence on a healthy cluster, checking at most the samples and the latest common height', async () => {
    const r = await checkConsistency([node('a', 100), node('b', 103), node('c', 101), node('d', 100)], 4);
    expect(r.divergence).toBeNull();
    expect(r.commonHeight).toBe(100);
    expect(r.checked).toEqual([20, 40, 60, 80, 100]);
  });

  it.each([1, 37, 61, 100])(
    'names the node with a corrupted state root from height %i and that height',
    async (bad) => {
      const asked: number[] = [];
      const r = await checkConsistency(
        [node('a', 100), node('b', 100), node('c', 100, bad, asked), node('d', 100)],
        4,
      );
      expect(r.divergence?.height).toBe(bad);
      expect(r.divergence?.nodes.map((n) => n.name)).toEqual(['c']);
      expect(r.divergence?.majority).toEqual({ hash: `block-${bad}`, stateRoot: `root-${bad}` });
      // Bounded: the samples plus a binary search, never a scan of every height.
      expect(asked.length).toBeLessThanOrEqual(5 + Math.ceil(Math.log2(100)));
    },
  );

  it('reports an unreachable node as a divergence', async () => {
    const down: NodeProbe = {
      name: 'x',
      height: () => Promise.reject(new Error('connection refused')),
      at: () => Promise.reject(new Error('down')),
    };
    const r = await checkConsistency([node('a', 10), node('b', 10), down]);
    expect(r.divergence?.nodes.map((n) => n.name)).toEqual(['x']);
  });

  it('samples evenly and always includes the top', () => {
    expect(sampleHeights(0, 8)).toEqual([]);
    expect(sampleHeights(3, 8)).toEqual([1, 2, 3]);
    expect(sampleHeights(1000, 3)).toEqual([250, 500, 750, 1000]);
  });
});
