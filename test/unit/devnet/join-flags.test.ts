import { describe, expect, it } from 'vitest';
import { JoinFlagError, parseJoinFlags, speedup } from '../../../devnet/load/join-flags.js';

describe('join bench flags', () => {
  it('takes defaults and overrides', () => {
    expect(parseJoinFlags([])).toMatchObject({ validators: 1, envelopes: 100_000, snapshotInterval: 10 });
    expect(
      parseJoinFlags([
        '--validators',
        '4',
        '--envelopes',
        '5000',
        '--snapshot-interval',
        '5',
        '--out',
        'x.json',
      ]),
    ).toMatchObject({ validators: 4, envelopes: 5000, snapshotInterval: 5, out: 'x.json', help: false });
    expect(parseJoinFlags(['--help']).help).toBe(true);
  });

  it('refuses unknown, missing and non-positive values', () => {
    expect(() => parseJoinFlags(['--bogus', '1'])).toThrow(JoinFlagError);
    expect(() => parseJoinFlags(['--envelopes'])).toThrow(/positive integer/);
    expect(() => parseJoinFlags(['--sites', '0'])).toThrow(/positive integer/);
    expect(() => parseJoinFlags(['--envelopes', '1.5'])).toThrow(/positive integer/);
    expect(() => parseJoinFlags(['--envelopes', '5', '--sites', '10'])).toThrow(/at most/);
  });

  it('derives the factor from both times', () => {
    expect(speedup(30_000, 4_000)).toBe(7.5);
    expect(() => speedup(1000, 0)).toThrow(JoinFlagError);
  });
});
