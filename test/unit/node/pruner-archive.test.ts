// The pruner with `retain.archiveDir`: every segment it deletes was archived first (the archive
// then verifies from genesis and covers every pruned height), a failed archive deletes nothing,
// and a PRUNED answer names the archive segment that holds the height, from an index filled at
// start-up and by the pruner, not from a listing of the folder per answer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../../node/archive/verify.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { Pruner } from '../../../node/pruner.js';
import { segmentFileName } from '../../../node/store/archive-format.js';
import {
  ArchiveIndex,
  archivedSegmentOf,
  listArchive,
  MemoryDb,
  manifestFileName,
  StoreErrorCode,
} from '../../../node/store/index.js';
import { createLogs } from '../../../runtime/log.js';
import { type TestChain, tempDir, testChain, uploadChain } from '../store/fixtures.js';

const chain: TestChain = testChain();
const id = chain.genesis.chainId;
const N = 20;

describe('pruner with an archive folder', () => {
  let tmp: ReturnType<typeof tempDir>;
  let l: PersistedLedger;
  const lines: string[] = [];
  const log = createLogs({ spec: 'info', destination: { write: (s: string) => lines.push(s) } }).logger(
    'store',
  );

  beforeEach(async () => {
    tmp = tempDir();
    lines.length = 0;
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb(), segmentBytes: 3000 });
    for (const b of uploadChain(chain, N)) await l.commit(b.bytes, b.decoded);
  });
  afterEach(async () => {
    await l.close();
    tmp.cleanup();
  });

  const pruner = (archiveDir: string, stepsPerRun = 100): Pruner =>
    new Pruner({
      store: l.store,
      dataDir: tmp.dir,
      retain: { intervalMs: 60_000, stepsPerRun, blocks: 5, archiveDir },
      log,
    });

  it('archives each segment before deleting it, and PRUNED names the segment holding the height', async () => {
    const dir = join(tmp.dir, 'archive');
    const run = await pruner(dir).runOnce();
    expect(run.segments).toBeGreaterThan(0);
    const earliest = l.store.earliestHeight();
    expect(earliest).toBeGreaterThan(1);
    const segs = listArchive(dir);
    // Every pruned height is archived, and nothing is archived twice.
    expect(segs.at(-1)!.lastHeight).toBeGreaterThanOrEqual(earliest - 1);
    expect(segs.length).toBeGreaterThanOrEqual(run.segments);
    expect(lines.filter((s) => s.includes('"store.archived"'))).toHaveLength(segs.length);
    const r = await verifyArchive(dir, {
      chainId: id,
      validators: chain.genesis.validators,
      genesisTime: chain.genesis.genesisTime,
    });
    expect(r.failure).toBeNull();
    // Without the lookup the answer names no segment; with it (node.ts sets it), the one holding h.
    await expect(l.store.getBlock(2)).rejects.not.toMatchObject({
      meta: { archiveSegment: expect.any(String) },
    });
    l.store.archivedAt = (h) => archivedSegmentOf(dir, h)?.file;
    const seg = archivedSegmentOf(dir, 2)!.file;
    await expect(l.store.getBlock(2)).rejects.toMatchObject({
      code: StoreErrorCode.Pruned,
      meta: { archiveSegment: seg },
      message: expect.stringContaining(seg),
    });
  });

  it('PRUNED names segments the pruner archived after start-up from the index, listing the folder once', async () => {
    const dir = join(tmp.dir, 'archive');
    // Start-up: one segment already archived (as a previous run of the node would leave it).
    const first = await pruner(dir, 1).runOnce();
    expect(first.segments).toBe(1);
    let listings = 0;
    const index = ArchiveIndex.load(dir, (d) => {
      listings++;
      return listArchive(d);
    });
    expect(index.size).toBe(1);
    l.store.archivedAt = (h) => index.segmentOf(h);
    const p = new Pruner({
      store: l.store,
      dataDir: tmp.dir,
      retain: { intervalMs: 60_000, stepsPerRun: 100, blocks: 5, archiveDir: dir },
      archiveIndex: index,
      log,
    });
    const run = await p.runOnce();
    expect(run.segments).toBeGreaterThan(1);
    const segs = listArchive(dir);
    expect(index.size).toBe(segs.length);
    // Every pruned height, in the old segment and in each new one, is named by its segment.
    for (let h = 1; h < l.store.earliestHeight(); h++) {
      const seg = segs.find((s) => s.firstHeight <= h && h <= s.lastHeight)!.file;
      await expect(l.store.getBlock(h)).rejects.toMatchObject({
        code: StoreErrorCode.Pruned,
        meta: { archiveSegment: seg },
      });
    }
    expect(listings).toBe(1);
    // A segment put in the folder by hand is not seen: the pruner is the only writer it follows.
    const fake = { firstHeight: 1000, lastHeight: 1010 };
    writeFileSync(join(dir, manifestFileName(segmentFileName(fake.firstHeight, fake.lastHeight))), '{}');
    expect(archivedSegmentOf(dir, 1005)).toBeDefined();
    expect(index.segmentOf(1005)).toBeUndefined();
    expect(listings).toBe(1);
  });

  it('a failed archive stops the run before anything is deleted', async () => {
    const notADir = join(tmp.dir, 'file');
    writeFileSync(notADir, 'x');
    await expect(pruner(notADir).runOnce()).rejects.toThrow();
    expect(l.store.earliestHeight()).toBe(1);
    expect(await l.store.getBlock(1)).toBeDefined();
  });
});
