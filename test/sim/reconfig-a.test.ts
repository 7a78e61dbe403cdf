// Randomized validator-set changes under faults (reconfig-run.ts: grow 4 -> 7, shrink 7 -> 4,
// swap one member; crashes, drops, delays, partitions, then heal): the kept regression seeds and
// the first half of the 300 seeds (the second half is reconfig-b.long.test.ts, in `npm run
// test:long`). Long runs: `npm run sim -- --reconfig --seeds N`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import type { Regression } from '../../testkit/sim/random-run.js';
import { range, runSeeds } from './random-seeds.js';

const regressions: Regression[] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'reconfig-regressions.json'), 'utf8'),
);

describe('randomized reconfiguration runs', () => {
  test('regression seeds', { timeout: 60_000 }, () => {
    runSeeds(regressions, true);
  });

  test('seeds 1..150', { timeout: 120_000 }, () => {
    runSeeds(range(1, 150), true);
  });
});
