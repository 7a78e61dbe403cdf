// CI slice of the codec fuzzer for the PBFT messages (testkit/fuzz.ts), fixed seed: 20,000
// random and mutated inputs per message type (100,000 in full.long.test.ts). One decoder,
// decodeConsensusMessage, but a target per type, seeded with random valid messages of that type
// (testkit/consensus-arbitraries.ts), so every body parser gets its own.
import { describe, expect, it } from 'vitest';
import { targets } from '../../testkit/fuzz.js';
import { fuzzTargetTest } from './fuzz-target.js';

describe('consensus message fuzz (CI slice)', () => {
  const consensus = targets.filter((x) => x.name.startsWith('consensus.'));

  it('a target per message type', () => {
    expect(consensus).toHaveLength(8);
  });

  for (const t of consensus) fuzzTargetTest(t.name);
});
