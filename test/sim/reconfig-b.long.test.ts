// Randomized validator-set changes under faults, second half of the 300 seeds: seeds 151..300, in
// `npm run test:long` (`npm test` runs the first half and the regressions, reconfig-a.test.ts).
import { describe, test } from 'vitest';
import { range, runSeeds } from './random-seeds.js';

describe('randomized reconfiguration runs', () => {
  test('seeds 151..300', { timeout: 300_000 }, () => {
    runSeeds(range(151, 300), true);
  });
});
