// CI slice of the codec fuzzer for the PBFT messages (bench/fuzz.ts), fixed seed: 100,000
// random and mutated inputs per message type. One decoder, decodeConsensusMessage, but a target
// per type, seeded with random valid messages of that type (bench/consensus-arbitraries.ts), so
// every body parser gets its own 100,000.
import { describe, expect, it } from 'vitest';
import { runCodecFuzz, targets } from '../../bench/fuzz.js';

const PER_TARGET = 100_000;
const SEED = 20_261_122;

describe('consensus message fuzz (CI slice)', () => {
  const consensus = targets.filter((x) => x.name.startsWith('consensus.'));

  it('a target per message type', () => {
    expect(consensus).toHaveLength(8);
  });

  for (const t of consensus) {
    it(`${t.name}: 100,000 inputs, only CodecError escapes, accepted inputs are canonical`, () => {
      const stats = runCodecFuzz(PER_TARGET, SEED, [t.name]);
      expect(stats.failures).toEqual([]);
      const s = stats.perTarget[t.name]!;
      expect(s.inputs).toBe(PER_TARGET);
      // Both accepted and refused inputs: the mutations reach past the first checks.
      expect(s.accepted).toBeGreaterThan(0);
      expect(s.accepted).toBeLessThan(s.inputs);
    }, 60_000);
  }
});
