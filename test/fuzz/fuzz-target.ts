// One CI fuzz test per target, shared by the two fuzz files: a fixed seed, 100,000 random and
// mutated inputs, only CodecError may escape, accepted inputs re-encode to the same bytes.
import { expect, it } from 'vitest';
import { runCodecFuzz } from '../../testkit/fuzz.js';

export const PER_TARGET = 100_000;
/** The durable-record decoders (codec/consensus-state.ts), run by durable-fuzz.test.ts. */
export const DURABLE_TARGETS: readonly string[] = ['consensusState', 'consensusStateRecord', 'evidence'];
const SEED = 20_261_122;

export function fuzzTargetTest(name: string): void {
  it(`${name}: 100,000 inputs, only CodecError escapes, accepted inputs are canonical`, () => {
    const stats = runCodecFuzz(PER_TARGET, SEED, [name]);
    expect(stats.failures).toEqual([]);
    const s = stats.perTarget[name]!;
    expect(s.inputs).toBe(PER_TARGET);
    // Both accepted and refused inputs: the mutations reach past the first checks.
    expect(s.accepted).toBeGreaterThan(0);
    expect(s.accepted).toBeLessThan(s.inputs);
  }, 60_000);
}
