// The archive's segments held in memory (height range -> segment file), so a PRUNED answer names
// the segment holding a height without listing the archive folder: a node answering many reads of
// pruned heights would otherwise read the folder once per answer. Filled once at start-up from the
// folder's listing and then by the pruner, the archive's only writer while the node runs (`bkdms
// node archive` refuses a running node). A file put in the folder by other means is not seen until
// the next start.
//
// Bounded: at most `maxSegments` ranges, the oldest dropped first. At the default segment size
// (64 MiB) the default bound covers an archive of about 6 TiB; a height in an older segment still
// answers PRUNED, only without the segment's name.
import { type ArchivedSegment, listArchive, segmentFileName } from './archive-format.js';

/** Ranges kept by default (two numbers each, about 1.6 MB at the bound). */
export const MAX_INDEXED_SEGMENTS = 100_000;

export class ArchiveIndex {
  /** First and last height of each segment, by first height; firsts[i] <= lasts[i] < firsts[i+1]. */
  private readonly firsts: number[] = [];
  private readonly lasts: number[] = [];

  constructor(private readonly maxSegments = MAX_INDEXED_SEGMENTS) {
    if (!Number.isInteger(maxSegments) || maxSegments < 1)
      throw new RangeError(`maxSegments must be a positive integer, got ${maxSegments}`);
  }

  /** The index of the folder as it is now (one listing; a missing folder is an empty archive). */
  static load(dir: string, list: (dir: string) => ArchivedSegment[] = listArchive): ArchiveIndex {
    const index = new ArchiveIndex();
    for (const s of list(dir)) index.record(s);
    return index;
  }

  get size(): number {
    return this.firsts.length;
  }

  /**
   * Records a segment the archive now holds. The pruner writes them in height order, so this is
   * an append; a range overlapping one already held replaces nothing and is ignored (the archive
   * refuses overlaps, so only a hand-edited folder read at start-up can have one).
   */
  record(s: Pick<ArchivedSegment, 'firstHeight' | 'lastHeight'>): void {
    const { firstHeight: first, lastHeight: last } = s;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first)
      throw new RangeError(`bad segment range ${first}..${last}`);
    const i = this.insertionPoint(first);
    if (i > 0 && this.lasts[i - 1]! >= first) return;
    if (i < this.firsts.length && this.firsts[i]! <= last) return;
    this.firsts.splice(i, 0, first);
    this.lasts.splice(i, 0, last);
    if (this.firsts.length > this.maxSegments) {
      this.firsts.shift();
      this.lasts.shift();
    }
  }

  /** The segment file holding height h, or undefined when no indexed segment does. */
  segmentOf(h: number): string | undefined {
    const i = this.insertionPoint(h + 1) - 1;
    if (i < 0 || h > this.lasts[i]!) return undefined;
    return segmentFileName(this.firsts[i]!, this.lasts[i]!);
  }

  /** The first position whose first height is >= h. */
  private insertionPoint(h: number): number {
    let lo = 0;
    let hi = this.firsts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.firsts[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
