import { describe, expect, it } from 'vitest';
import { runCodecFuzz, targets } from '../../bench/fuzz.js';

describe('codec fuzz (CI slice)', () => {
  it('150,000 random and mutated inputs: only CodecError escapes, accepted inputs are canonical', () => {
    const stats = runCodecFuzz(150_000, 20_261_122);
    expect(stats.failures).toEqual([]);
    expect(stats.inputs).toBeGreaterThanOrEqual(100_000);
    // Every decoder both accepted and rejected inputs: the mutations reach past the first checks.
    for (const t of targets) {
      const s = stats.perTarget[t.name]!;
      expect(s.accepted, t.name).toBeGreaterThan(0);
      expect(s.accepted, t.name).toBeLessThan(s.inputs);
    }
  }, 60_000);
});
