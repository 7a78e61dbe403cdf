// Runs every scenario transcript in testdata/ (each cites the PBFT section it checks). The
// simulator checks agreement, certificates, exactly-once and memory bounds after every event;
// the transcripts add the scenario's own expectations.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Transcript } from '../../testkit/sim/transcript.js';

const dir = join(import.meta.dirname, 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));

describe('consensus scenarios (test/sim/testdata)', () => {
  test('there is a transcript for each of the issue-4 scenarios', () => {
    expect(files.filter((f) => /^0[1-8]-/.test(f))).toHaveLength(8);
  });

  for (const file of files)
    test(file, () => {
      const t = Transcript.run(readFileSync(join(dir, file), 'utf8'), file);
      expect(t.c).not.toBeNull();
    });
});
