// Where a load run starts its sites' sequence numbers on a chain. A chain refuses a sequence
// number that jumps more than `maxSeqGap` above a site's highest committed one, so a run cannot
// start from the clock; it starts where the previous run on the same cluster folder stopped. The
// next free number is written before the run starts, so a run that crashes leaves it above every
// number it may have used.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'bench-next-seq';

/** The first sequence number a run on the cluster in `dir` may use (1 on a new cluster). */
export function firstSeqFor(dir: string): number {
  const path = join(dir, FILE);
  if (!existsSync(path)) return 1;
  const n = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${path}: not a sequence number`);
  return n;
}

/** Reserves `perSite` numbers from `first` for every site: the next run starts after them. */
export function reserveSeqs(dir: string, first: number, perSite: number): void {
  const path = join(dir, FILE);
  writeFileSync(`${path}.tmp`, `${first + perSite}\n`);
  renameSync(`${path}.tmp`, path);
}
