// The chain parameters as the relay reads them: a governance setParams that activates at a height
// changes the relay's waits and its block-room check from that height on, without a restart.
import { describe, expect, it } from 'vitest';
import type { Block, ChainParams } from '../../../../codec/types.js';
import { ChainParamsView } from '../../../../node/chain/params.js';

const genesis = {
  periodMs: 200,
  viewTimeoutMs: 1500,
  maxBlockEnvelopes: 2000,
  maxBlockBytes: 4 * 1024 ** 2,
} as ChainParams;
/** What a setParams activating at height 10 put in force. */
const lowered = { ...genesis, periodMs: 1000, maxBlockEnvelopes: 8 } as ChainParams;

function setup() {
  let tip = 0;
  const view = new ChainParamsView({ params: (h) => (h >= 10 ? lowered : undefined) }, genesis, () => tip);
  return { view, setTip: (h: number) => (tip = h) };
}

const blockAt = (height: number, envelopes: number): Block =>
  ({
    header: { height },
    envelopes: Array.from({ length: envelopes }, () => new Uint8Array(10)),
  }) as unknown as Block;

describe('chain parameters as the relay reads them', () => {
  it('relay waits follow the parameters of the next height', () => {
    const s = setup();
    expect(s.view.relayOptions().stallMs).toBe(750);
    s.setTip(8);
    expect(s.view.relayOptions().stallMs).toBe(750);
    s.setTip(9);
    expect(s.view.next().periodMs).toBe(1000);
    expect(s.view.relayOptions().stallMs).toBe(2000);
  });

  it('a block has room under the limits of its own height', () => {
    const s = setup();
    expect(s.view.hadRoom(blockAt(9, 8))).toBe(true);
    expect(s.view.hadRoom(blockAt(10, 8))).toBe(false);
    expect(s.view.hadRoom(blockAt(10, 7))).toBe(true);
  });
});
