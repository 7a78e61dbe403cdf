// The in-memory archive index PRUNED answers name segments from: lookup by height across ranges,
// the start-up fill from a folder, overlaps ignored, and the bound dropping the oldest ranges.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestFileName, segmentFileName } from '../../../node/store/archive-format.js';
import { ArchiveIndex } from '../../../node/store/index.js';
import { tempDir } from './fixtures.js';

describe('ArchiveIndex', () => {
  it('names the segment holding each height, and none outside every range', () => {
    const index = new ArchiveIndex();
    index.record({ firstHeight: 1, lastHeight: 10 });
    index.record({ firstHeight: 11, lastHeight: 11 });
    index.record({ firstHeight: 12, lastHeight: 40 });
    expect(index.segmentOf(0)).toBeUndefined();
    expect(index.segmentOf(1)).toBe(segmentFileName(1, 10));
    expect(index.segmentOf(10)).toBe(segmentFileName(1, 10));
    expect(index.segmentOf(11)).toBe(segmentFileName(11, 11));
    expect(index.segmentOf(12)).toBe(segmentFileName(12, 40));
    expect(index.segmentOf(40)).toBe(segmentFileName(12, 40));
    expect(index.segmentOf(41)).toBeUndefined();
  });

  it('fills from the folder at load: manifests only, in height order; a missing folder is empty', () => {
    const tmp = tempDir();
    try {
      const dir = join(tmp.dir, 'archive');
      expect(ArchiveIndex.load(dir).size).toBe(0);
      mkdirSync(dir);
      for (const [a, b] of [
        [21, 30],
        [1, 20],
      ] as const)
        writeFileSync(join(dir, manifestFileName(segmentFileName(a, b))), '{}');
      // A segment without its manifest is an interrupted write, not part of the archive.
      writeFileSync(join(dir, segmentFileName(31, 40)), '');
      const index = ArchiveIndex.load(dir);
      expect(index.size).toBe(2);
      expect(index.segmentOf(25)).toBe(segmentFileName(21, 30));
      expect(index.segmentOf(5)).toBe(segmentFileName(1, 20));
      expect(index.segmentOf(35)).toBeUndefined();
    } finally {
      tmp.cleanup();
    }
  });

  it('ignores a range overlapping one it holds, and refuses a malformed one', () => {
    const index = new ArchiveIndex();
    index.record({ firstHeight: 1, lastHeight: 10 });
    index.record({ firstHeight: 5, lastHeight: 15 });
    index.record({ firstHeight: 1, lastHeight: 10 });
    expect(index.size).toBe(1);
    expect(index.segmentOf(12)).toBeUndefined();
    expect(() => index.record({ firstHeight: 9, lastHeight: 3 })).toThrow(RangeError);
    expect(() => index.record({ firstHeight: 0, lastHeight: 3 })).toThrow(RangeError);
    expect(() => new ArchiveIndex(0)).toThrow(RangeError);
  });

  it('is bounded: past maxSegments the oldest range goes, and its heights name no segment', () => {
    const index = new ArchiveIndex(3);
    for (let i = 0; i < 5; i++) index.record({ firstHeight: i * 10 + 1, lastHeight: i * 10 + 10 });
    expect(index.size).toBe(3);
    expect(index.segmentOf(5)).toBeUndefined();
    expect(index.segmentOf(15)).toBeUndefined();
    expect(index.segmentOf(25)).toBe(segmentFileName(21, 30));
    expect(index.segmentOf(45)).toBe(segmentFileName(41, 50));
  });
});
