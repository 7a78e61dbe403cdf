// Randomized runs, second half of the 1,000 CI seeds (a separate file so vitest runs both halves
// in parallel).
import { describe, test } from 'vitest';
import { range, runSeeds } from './random-seeds.js';

describe('randomized simulator runs', () => {
  test('seeds 501..1000', { timeout: 120_000 }, () => {
    runSeeds(range(501, 1000));
  });
});
