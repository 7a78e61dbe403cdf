// Randomized validator-set changes under faults, second half of the CI seeds (a separate file so
// vitest runs both halves in parallel and each stays short).
import { describe, test } from 'vitest';
import { range, runSeeds } from './random-seeds.js';

describe('randomized reconfiguration runs', () => {
  test('seeds 151..300', { timeout: 120_000 }, () => {
    runSeeds(range(151, 300), true);
  });
});
