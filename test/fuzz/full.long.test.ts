// The full fuzz run of every decoder target (testkit/fuzz.ts), in `npm run test:long`: the same
// fixed-seed streams as the CI slices of codec-, consensus- and durable-fuzz.test.ts, to 100,000
// inputs per target instead of their first 20,000.
import { describe } from 'vitest';
import { targets } from '../../testkit/fuzz.js';
import { FULL_PER_TARGET, fuzzTargetTest } from './fuzz-target.js';

describe('codec fuzz (full run)', () => {
  for (const t of targets) fuzzTargetTest(t.name, FULL_PER_TARGET, 300_000);
});
