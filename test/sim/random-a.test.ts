// Randomized runs, first half of the 1,000 seeds (the second half is random-b.long.test.ts, in
// `npm run test:long`), plus the regression seeds (seeds that once failed, kept forever in
// regressions.json). Long runs: `npm run sim -- --seeds N`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import type { Regression } from '../../testkit/sim/random-run.js';
import { range, runSeeds } from './random-seeds.js';

const regressions: Regression[] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'regressions.json'), 'utf8'),
);

describe('randomized simulator runs', () => {
  test('regression seeds', () => {
    runSeeds(regressions);
  });

  test('seeds 1..500', { timeout: 120_000 }, () => {
    runSeeds(range(1, 500));
  });
});
