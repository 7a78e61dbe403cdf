// The node's side of governance for the consensus core: chain parameters in ms become ticks, and
// the feed hands the core every validator-set and parameter change activating above the tip,
// once each, as blocks are applied (the core then switches at the activation height).
import { describe, expect, test } from 'vitest';
import type { ConsensusParams } from '../../../consensus/params.js';
import { PARAMS_KEY, schedule, VALIDATORS_KEY } from '../../../ledger/schedule.js';
import { ContractState } from '../../../ledger/state.js';
import { consensusParamsOf, ScheduleFeed, type ScheduleTarget } from '../../../node/consensus-setup.js';

const chain = (periodMs: number) => ({
  periodMs,
  maxBlockEnvelopes: 500,
  maxBlockBytes: 1 << 20,
  viewTimeoutMs: 3000,
});

function recorder(): ScheduleTarget & { calls: string[]; params: Map<number, ConsensusParams> } {
  const calls: string[] = [];
  const params = new Map<number, ConsensusParams>();
  return {
    calls,
    params,
    scheduleValidators: (from, keys) => {
      calls.push(`validators@${from}:${keys.map((k) => Buffer.from(k).toString('hex')).join(',')}`);
    },
    scheduleParams: (from, p) => {
      calls.push(`params@${from}`);
      params.set(from, p);
    },
  };
}

describe('consensus setup', () => {
  test('chain parameters in ms become ticks, rounded up, at least 1', () => {
    const p = consensusParamsOf(chain(1000), 50);
    expect(p.periodTicks).toBe(20);
    expect(p.viewTimeoutTicks).toBe(60);
    expect(p.maxViewTimeoutTicks).toBe(480);
    expect(consensusParamsOf(chain(1), 50).periodTicks).toBe(1);
    expect(consensusParamsOf(chain(1010), 50).periodTicks).toBe(21);
  });

  test('the feed hands each change above the tip once, converted to ticks, and later ones as they come', () => {
    const state = new ContractState();
    schedule(state, VALIDATORS_KEY, 5, ['aa', 'bb']);
    schedule(state, VALIDATORS_KEY, 30, ['cc', 'dd']);
    schedule(state, PARAMS_KEY, 8, chain(400));
    schedule(state, PARAMS_KEY, 40, chain(2000));
    const feed = new ScheduleFeed(100);
    const core = recorder();
    feed.feed(core, state, 10); // already in force below the tip: not fed
    expect(core.calls).toEqual(['validators@30:cc,dd', 'params@40']);
    expect(core.params.get(40)?.periodTicks).toBe(20);
    expect(core.params.get(40)?.maxBlockEnvelopes).toBe(500);
    feed.feed(core, state, 11);
    expect(core.calls).toHaveLength(2);
    schedule(state, PARAMS_KEY, 50, chain(300)); // a block applied later decides another change
    feed.feed(core, state, 12);
    expect(core.calls).toEqual(['validators@30:cc,dd', 'params@40', 'params@50']);
    expect(core.params.get(50)?.periodTicks).toBe(3);
  });
});
