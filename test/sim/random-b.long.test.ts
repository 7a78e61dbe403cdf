// Randomized runs, second half of the 1,000 seeds: seeds 501..1000, in `npm run test:long`
// (`npm test` runs the first half and the regressions, random-a.test.ts).
import { describe, test } from 'vitest';
import { range, runSeeds } from './random-seeds.js';

describe('randomized simulator runs', () => {
  test('seeds 501..1000', { timeout: 300_000 }, () => {
    runSeeds(range(501, 1000));
  });
});
