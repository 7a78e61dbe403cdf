// Parameters, validator sets and their schedule by height.
import { describe, expect, test } from 'vitest';
import {
  ConsensusErrorCode,
  checkParams,
  defaultConsensusParams,
  ParamsSchedule,
  ValidatorSchedule,
  ValidatorSet,
} from '../../../consensus/index.js';
import { stubPublicKey } from '../../../testkit/sim/stub-crypto.js';
import { errorCode } from './fixtures.js';

const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => stubPublicKey(from + i));

describe('params', () => {
  test('the defaults are valid', () => {
    expect(() => checkParams(defaultConsensusParams())).not.toThrow();
  });

  test('non-positive, fractional and inconsistent values are BadConfig', () => {
    const p = defaultConsensusParams();
    expect(errorCode(() => checkParams({ ...p, periodTicks: 0 }))).toBe(ConsensusErrorCode.BadConfig);
    expect(errorCode(() => checkParams({ ...p, viewTimeoutTicks: 1.5 }))).toBe(ConsensusErrorCode.BadConfig);
    expect(errorCode(() => checkParams({ ...p, windowSize: p.checkpointInterval }))).toBe(
      ConsensusErrorCode.BadConfig,
    );
    expect(errorCode(() => checkParams({ ...p, maxViewTimeoutTicks: p.viewTimeoutTicks - 1 }))).toBe(
      ConsensusErrorCode.BadConfig,
    );
  });
});

describe('params schedule', () => {
  test('the params in force at a height are the last scheduled at or below it; pruning keeps them', () => {
    const p = defaultConsensusParams();
    const s = new ParamsSchedule(p);
    s.schedule(10, { ...p, periodTicks: 3 });
    s.schedule(20, { ...p, periodTicks: 5 });
    expect([1, 9, 10, 19, 20, 99].map((h) => s.at(h).periodTicks)).toEqual([10, 10, 3, 3, 5, 5]);
    s.schedule(15, { ...p, periodTicks: 4 }); // a later decision for a lower height replaces what follows
    expect([14, 15, 20].map((h) => s.at(h).periodTicks)).toEqual([3, 4, 4]);
    s.prune(16);
    expect([16, 99].map((h) => s.at(h).periodTicks)).toEqual([4, 4]);
  });

  test('invalid params and changes of K, L or the memory bounds are refused', () => {
    const p = defaultConsensusParams();
    const s = new ParamsSchedule(p);
    expect(errorCode(() => s.schedule(5, { ...p, periodTicks: 0 }))).toBe(ConsensusErrorCode.BadConfig);
    for (const k of ['checkpointInterval', 'windowSize', 'maxPendingRequests', 'maxFutureMessages'] as const)
      expect(errorCode(() => s.schedule(5, { ...p, [k]: p[k] * 2 }))).toBe(ConsensusErrorCode.BadInput);
    expect(s.at(5)).toBe(p);
  });
});

describe('validator set', () => {
  test.each([
    [1, 0, 1],
    [3, 0, 3],
    [4, 1, 3],
    [5, 1, 4],
    [7, 2, 5],
    [10, 3, 7],
  ])('n=%i tolerates f=%i with quorum %i, and two quorums share f+1 replicas', (n, f, quorum) => {
    const set = new ValidatorSet(keys(n));
    expect(set.f).toBe(f);
    expect(set.quorum).toBe(quorum);
    expect(2 * set.quorum - n).toBeGreaterThanOrEqual(f + 1);
  });

  test('the primary rotates round robin and keys map to their index', () => {
    const set = new ValidatorSet(keys(4));
    expect([0, 1, 2, 3, 4, 9].map((v) => set.primary(v))).toEqual([0, 1, 2, 3, 0, 1]);
    expect(set.indexOf(stubPublicKey(2))).toBe(2);
    expect(set.indexOf(stubPublicKey(9))).toBe(-1);
  });

  test('empty sets and repeated keys are BadConfig', () => {
    expect(errorCode(() => new ValidatorSet([]))).toBe(ConsensusErrorCode.BadConfig);
    expect(errorCode(() => new ValidatorSet([stubPublicKey(1), stubPublicKey(1)]))).toBe(
      ConsensusErrorCode.BadConfig,
    );
  });
});

describe('validator schedule', () => {
  test('a set applies from its height on; a later schedule for the same height replaces it', () => {
    const s = new ValidatorSchedule(1, keys(4));
    s.schedule(10, keys(7));
    expect(s.at(1).n).toBe(4);
    expect(s.at(9).n).toBe(4);
    expect(s.at(10).n).toBe(7);
    expect(s.at(1000).n).toBe(7);
    s.schedule(10, keys(5));
    expect(s.at(10).n).toBe(5);
    expect(s.size).toBe(2);
  });

  test('prune forgets only sets no later height can use', () => {
    const s = new ValidatorSchedule(1, keys(4));
    s.schedule(10, keys(7));
    s.prune(9);
    expect(s.size).toBe(2);
    s.prune(10);
    expect(s.size).toBe(1);
    expect(s.at(10).n).toBe(7);
  });
});
