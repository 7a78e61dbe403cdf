// CI slice of the codec fuzzer for the durable records (testkit/fuzz.ts), fixed seed: 20,000
// random and mutated inputs each (100,000 in full.long.test.ts) for the consensus state payload,
// the same framed as a record (magic, kind, version, length, CRC-32C: most mutations stop at the
// CRC), and the evidence payload.
import { describe, expect, it } from 'vitest';
import { targets } from '../../testkit/fuzz.js';
import { DURABLE_TARGETS, fuzzTargetTest } from './fuzz-target.js';

describe('durable record fuzz (CI slice)', () => {
  it('every durable-record decoder is a target', () => {
    expect(targets.filter((t) => DURABLE_TARGETS.includes(t.name)).map((t) => t.name)).toEqual(
      DURABLE_TARGETS,
    );
  });

  for (const name of DURABLE_TARGETS) fuzzTargetTest(name);
});
