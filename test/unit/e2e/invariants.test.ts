// The fork check of the e2e invariants (e2e/invariants.ts compareChains) and the span flag of
// `bkdms e2e` (cli/e2e-cmd.ts parseSpan).
import { describe, expect, it } from 'vitest';
import { parseSpan } from '../../../cli/e2e-cmd.js';
import { type ChainRead, compareChains } from '../../../e2e/invariants.js';

const chain = (node: number, blocks: [string, string][]): ChainRead => ({
  read: { node, ids: [] },
  blocks: blocks.map(([hash, stateRoot]) => ({ hash, stateRoot })),
  committedAt: new Map(),
  errors: [],
});

describe('compareChains', () => {
  it('equal chains: no finding', () => {
    const b: [string, string][] = [
      ['h1', 'r1'],
      ['h2', 'r2'],
    ];
    expect(compareChains([chain(0, b), chain(1, b)])).toEqual([]);
  });

  it('names the height where hashes or state roots differ, and a missing block', () => {
    const out = compareChains([
      chain(0, [
        ['h1', 'r1'],
        ['h2', 'r2'],
        ['h3', 'r3'],
      ]),
      chain(1, [
        ['h1', 'r1'],
        ['x2', 'r2'],
      ]),
      chain(2, [
        ['h1', 'rX'],
        ['h2', 'r2'],
        ['h3', 'r3'],
      ]),
    ]);
    expect(out).toEqual([
      'height 1: state roots differ across nodes (r1, rX)',
      'height 2: block hashes differ across nodes (h2, x2)',
      'height 3: block hashes differ across nodes (h3, missing)',
      'height 3: state roots differ across nodes (r3, missing)',
    ]);
  });
});

describe('parseSpan', () => {
  it('reads ms, s, m, h and refuses anything else', () => {
    expect(parseSpan('1500', '--x')).toBe(1500);
    expect(parseSpan('90s', '--x')).toBe(90_000);
    expect(parseSpan('30m', '--x')).toBe(1_800_000);
    expect(parseSpan('1h', '--x')).toBe(3_600_000);
    expect(() => parseSpan('ten', '--duration')).toThrow('--duration');
    expect(() => parseSpan('-5s', '--duration')).toThrow();
  });
});
