// One fuzz test per target, shared by the fuzz files: a fixed seed, random and mutated inputs,
// only CodecError may escape, accepted inputs re-encode to the same bytes. `npm test` runs the
// CI slice (the first 20,000 inputs of each target's stream); full.long.test.ts runs the same
// streams to 100,000 in `npm run test:long`.
import { expect, it } from 'vitest';
import { runCodecFuzz } from '../../testkit/fuzz.js';

/** Inputs per target in `npm test`: a prefix of the full run's stream (same seed). */
export const CI_PER_TARGET = 20_000;
/** Inputs per target in `npm run test:long` (full.long.test.ts). */
export const FULL_PER_TARGET = 100_000;
/** The durable-record decoders (codec/consensus-state.ts), run by durable-fuzz.test.ts. */
export const DURABLE_TARGETS: readonly string[] = ['consensusState', 'consensusStateRecord', 'evidence'];
const SEED = 20_261_122;

export function fuzzTargetTest(name: string, perTarget = CI_PER_TARGET, timeoutMs = 60_000): void {
  it(
    `${name}: ${perTarget.toLocaleString('en')} inputs, only CodecError escapes, accepted inputs are canonical`,
    () => {
      const stats = runCodecFuzz(perTarget, SEED, [name]);
      expect(stats.failures).toEqual([]);
      const s = stats.perTarget[name]!;
      expect(s.inputs).toBe(perTarget);
      // Both accepted and refused inputs: the mutations reach past the first checks.
      expect(s.accepted).toBeGreaterThan(0);
      expect(s.accepted).toBeLessThan(s.inputs);
    },
    timeoutMs,
  );
}
