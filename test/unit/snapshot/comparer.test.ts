import { describe, expect, it } from 'vitest';
import { encodeSnapshotList } from '../../../codec/snapshot-messages.js';
import { SnapshotComparer } from '../../../node/snapshot/comparer.js';
import type { SnapshotInfo } from '../../../node/snapshot/snapshot-files.js';
import { silentLogger } from '../../../runtime/log.js';

const h = (n: number) => new Uint8Array(32).fill(n);
const ours = [
  { height: 2000, hash: h(2) },
  { height: 1000, hash: h(1) },
] as unknown as SnapshotInfo[];

describe('snapshot comparer', () => {
  it('reports a peer whose hash differs at a common height, ignores other heights and silent peers', async () => {
    const lists: Record<string, Uint8Array> = {
      a: encodeSnapshotList([
        { height: 2000, hash: h(2) },
        { height: 1000, hash: h(1) },
      ]),
      b: encodeSnapshotList([
        { height: 3000, hash: h(9) },
        { height: 2000, hash: h(7) },
      ]),
    };
    const c = new SnapshotComparer({
      ours: () => ours,
      peers: () => [
        { index: 1, ref: 'a' },
        { index: 2, ref: 'b' },
        { index: 3, ref: 'down' },
      ],
      ask: async (peer) => {
        const l = lists[peer];
        if (l === undefined) throw new Error('unreachable');
        return l;
      },
      log: silentLogger,
    });
    const found = await c.compare();
    expect(found).toEqual([{ peer: 2, height: 2000, ours: '02'.repeat(32), theirs: '07'.repeat(32) }]);
    expect(c.peersAgreeing).toBe(1);
    lists.b = encodeSnapshotList([{ height: 2000, hash: h(2) }]);
    expect(await c.compare()).toEqual([]);
    expect(c.divergences()).toEqual([]);
  });
});
