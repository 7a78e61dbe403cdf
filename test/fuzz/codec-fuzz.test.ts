// CI slice of the codec fuzzer (testkit/fuzz.ts), fixed seed: the first 20,000 random and mutated
// inputs per decoder (100,000 in full.long.test.ts, `npm run test:long`), each target its own
// test. The consensus-message targets run in consensus-fuzz.test.ts and the durable-record ones in
// durable-fuzz.test.ts, other files so that vitest gives each part its own worker (one long
// synchronous file starves its worker's RPC).
import { describe, expect, it } from 'vitest';
import { targets } from '../../testkit/fuzz.js';
import { DURABLE_TARGETS, fuzzTargetTest } from './fuzz-target.js';

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
      'stateProof',
      'consensusState',
      'consensusStateRecord',
      'evidence',
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

  for (const t of targets.filter(
    (x) => !x.name.startsWith('consensus.') && !DURABLE_TARGETS.includes(x.name),
  ))
    fuzzTargetTest(t.name);
});
