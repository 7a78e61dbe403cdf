import { describe, expect, it } from 'vitest';
import {
  type BlockSummary,
  blockInterval,
  envelopesPerSecond,
  lastVotes,
} from '../../../console/chain-view.js';

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
