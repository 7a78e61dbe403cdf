// MessageDropReason: the keys of Replica.stats.dropped. Simulator transcripts read them by name
// ("expect dropped@0:too-many == 0"): a misspelled name would read 0 and such an expectation would
// pass without checking anything, so every name a transcript uses must be a reason.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MessageDropReason } from '../../../consensus/index.js';

const reasons: string[] = Object.values(MessageDropReason);
const testdata = join(import.meta.dirname, '..', '..', 'sim', 'testdata');

describe('MessageDropReason', () => {
  test('each reason has its own name', () => {
    expect(new Set(reasons).size).toBe(reasons.length);
    for (const r of reasons) expect(r).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  test('every dropped@<node>:<reason> in the simulator transcripts names a reason', () => {
    const used = readdirSync(testdata)
      .filter((f) => f.endsWith('.txt'))
      .flatMap((f) =>
        [...readFileSync(join(testdata, f), 'utf8').matchAll(/dropped@\d+:([^\s]+)/g)].map(
          (m) => `${f}: ${m[1]}`,
        ),
      );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !reasons.includes(u.slice(u.indexOf(': ') + 2)))).toEqual([]);
  });
});
