// CI slice of the codec fuzzer (bench/fuzz.ts), fixed seed: 100,000 random and mutated inputs
// per decoder, each target its own test. The consensus-message targets run in
// consensus-fuzz.test.ts, a second file so that vitest can give each half its own worker.
import { describe, expect, it } from 'vitest';
import { runCodecFuzz, targets } from '../../bench/fuzz.js';

const PER_TARGET = 100_000;
const SEED = 20_261_122;

describe('codec fuzz (CI slice)', () => {
  it('every decoder is a target', () => {
    expect(targets.map((t) => t.name)).toEqual([
      'kpiRecord',
      'extension',
      'sealedPacket',
      'envelope',
      'contractCall',
      'blockHeader',
      'block',
      'commitCertificate',
      'certifiedBlock',
      'storageRecord',
      ...[
        'PrePrepare',
        'Prepare',
        'Commit',
        'Checkpoint',
        'ViewChange',
        'NewView',
        'StateRequest',
        'StateResponse',
      ].map((m) => `consensus.${m}`),
    ]);
  });

  for (const t of targets.filter((x) => !x.name.startsWith('consensus.'))) {
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
