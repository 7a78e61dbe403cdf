// A load run's first sequence number: 1 on a new cluster folder, then after every number an
// earlier run reserved, so runs on one chain never reuse a number nor jump past the chain's gap.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { firstSeqFor, reserveSeqs } from '../../../devnet/load/seq-base.js';

const dirs: string[] = [];
const folder = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bkdms-seq-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('load run sequence numbers', () => {
  it('start at 1 on a new cluster and after the previous run reservation', () => {
    const dir = folder();
    expect(firstSeqFor(dir)).toBe(1);
    reserveSeqs(dir, 1, 500);
    expect(firstSeqFor(dir)).toBe(501);
    reserveSeqs(dir, 501, 20);
    expect(firstSeqFor(dir)).toBe(521);
    expect(readFileSync(join(dir, 'bench-next-seq'), 'utf8')).toBe('521\n');
  });

  it('refuses a file that holds no sequence number', () => {
    const dir = folder();
    writeFileSync(join(dir, 'bench-next-seq'), 'soon\n');
    expect(() => firstSeqFor(dir)).toThrow(/not a sequence number/);
  });
});
