import { describe, expect, it } from 'vitest';
import {
  type BlockSummary,
  blockInterval,
  ChainView,
  envelopesPerSecond,
  lastVotes,
} from '../../../console/chain-view.js';
import type { NodeWatch } from '../../../console/node-watch.js';
import { linkedChain, testChain } from '../store/fixtures.js';

const block = (height: number, time: number, txCount: number, signers: number[]): BlockSummary => ({
  height,
  hash: height.toString(16).padStart(64, '0'),
  time,
  view: 0,
  proposer: 0,
  txCount,
  stateRoot: '00'.repeat(32),
  signers,
});

describe('chain figures from certified blocks', () => {
  const blocks = [
    block(1, 1_000, 10, [0, 1, 2]),
    block(2, 1_500, 20, [0, 1, 3]),
    block(3, 2_000, 30, [0, 2, 3]),
  ];

  it('block interval: the mean gap between block times', () => {
    expect(blockInterval(blocks)).toBe(500);
    expect(blockInterval(blocks.slice(0, 1))).toBeUndefined();
  });

  it('envelopes per second over the window before the newest block', () => {
    expect(envelopesPerSecond(blocks, 1_000)).toBe(50);
    expect(envelopesPerSecond([], 1_000)).toBe(0);
  });

  it("each validator's last commit vote is the newest certificate it signed", () => {
    expect(lastVotes(blocks, 5)).toEqual([3, 2, 3, 3, null]);
  });
});

describe('blocks from nodes that hold only part of the chain', () => {
  const chain = testChain();
  const built = linkedChain(chain, 6).blocks;
  // A node that answers only the heights it holds, as a pruned or state-synced node does.
  const node = (name: string, earliestHeight: number): NodeWatch => {
    const asked: number[] = [];
    return {
      asked,
      view: { name, up: true, status: { height: 6, earliestHeight } },
      client: {
        getBlock: async (h: number) => {
          asked.push(h);
          if (h < earliestHeight) throw new Error(`PRUNED below ${earliestHeight}`);
          return built[h - 1]!.bytes;
        },
      },
    } as unknown as NodeWatch;
  };

  it('asks only a node whose earliest body is at or below the height', async () => {
    const synced = node('synced', 5);
    const full = node('full', 1);
    const v = new ChainView([synced, full]);
    expect((await v.fetch(2)).block.header.height).toBe(2);
    expect((synced as unknown as { asked: number[] }).asked).toEqual([]);
    await v.catchUp();
    expect(v.blocks.map((b) => b.height)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('starts where some node holds blocks, and names the earliest heights when none holds one', async () => {
    const v = new ChainView([node('a', 4), node('b', 5)]);
    await v.catchUp();
    expect(v.blocks.map((b) => b.height)).toEqual([4, 5, 6]);
    await expect(v.fetch(2)).rejects.toThrow('no node up holds block 2: earliest heights a 4, b 5');
  });
});
