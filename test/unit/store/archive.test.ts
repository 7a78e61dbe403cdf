// The archive of block-log segments (node/store/archive-*.ts, node/archive/): a real LevelDB store
// with certified blocks, archived while stopped and pruned; the archive verifies from genesis; a
// flipped byte and a forged manifest fail naming the segment and height; a pruned envelope is
// traced from the archive alone and the bundle passes the offline check `bkdms verify` runs.
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeTraceFile, encodeTraceFile } from '../../../api/trace-file.js';
import { checkBundle } from '../../../cli/trace-report.js';
import { toHex } from '../../../crypto/bytes.js';
import { tracingCode } from '../../../crypto/hash.js';
import { traceFromArchive } from '../../../node/archive/trace.js';
import { verifyArchive } from '../../../node/archive/verify.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import {
  ArchiveErrorCode,
  archiveDataDir,
  archivedSegmentOf,
  listArchive,
  manifestFileName,
  StoreErrorCode,
} from '../../../node/store/index.js';
import { type TestChain, tempDir, testChain, uploadChain } from './fixtures.js';

const chain: TestChain = testChain();
const id = chain.genesis.chainId;
const N = 24;
/** Small segments: a few one-upload blocks each, so 24 blocks span several segments. */
const SEGMENT = 3000;
const anchor = {
  chainId: id,
  validators: chain.genesis.validators,
  genesisTime: chain.genesis.genesisTime,
};

const blocks = uploadChain(chain, N);
const envelopes = blocks.map((b) => b.decoded.block.envelopes[0]!);

describe('archive of block-log segments', () => {
  let data: ReturnType<typeof tempDir>;
  let arch: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    data = tempDir();
    arch = tempDir();
    const l = await PersistedLedger.open(data.dir, chain.genesis, { segmentBytes: SEGMENT });
    for (const b of blocks) await l.commit(b.bytes, b.decoded);
    // A running node holds the index lock: the command refuses rather than read under it.
    await expect(archiveDataDir(data.dir, arch.dir, { below: 13 })).rejects.toMatchObject({
      code: ArchiveErrorCode.Locked,
    });
    await l.close();
  });
  afterEach(() => {
    data.cleanup();
    arch.cleanup();
  });

  async function pruneTo(retain: number): Promise<number> {
    const l = await PersistedLedger.open(data.dir, chain.genesis, { segmentBytes: SEGMENT });
    try {
      while ((await l.store.pruneStep(retain)).segment !== undefined);
      const earliest = l.store.earliestHeight();
      const pruned = envelopes[0]!;
      await expect(l.store.traceBundle(tracingCode(pruned))).rejects.toMatchObject({
        code: StoreErrorCode.Pruned,
      });
      return earliest;
    } finally {
      await l.close();
    }
  }

  it('archives sealed segments below H, contiguous from block 1, and is idempotent', async () => {
    const lines: string[] = [];
    const run = await archiveDataDir(data.dir, arch.dir, { below: 13, progress: (s) => lines.push(s) });
    expect(run.written.length).toBeGreaterThan(1);
    expect(run.top).toBeLessThanOrEqual(12);
    expect(run.top).toBeGreaterThan(1);
    expect(lines).toHaveLength(run.written.length);
    const segs = listArchive(arch.dir);
    expect(segs[0]!.firstHeight).toBe(1);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.firstHeight).toBe(segs[i - 1]!.lastHeight + 1);
    expect(archivedSegmentOf(arch.dir, 1)?.file).toBe(segs[0]!.file);
    expect(archivedSegmentOf(arch.dir, run.top + 1)).toBeUndefined();
    const m = JSON.parse(readFileSync(join(arch.dir, manifestFileName(segs[0]!.file)), 'utf8'));
    expect(m.blockHashes[0]).toBe(toHex(blocks[0]!.hash));
    expect(readdirSync(arch.dir).some((f) => f.includes('.tmp'))).toBe(false);
    // A second run adds nothing below the same height, and goes on above it.
    expect((await archiveDataDir(data.dir, arch.dir, { below: 13 })).written).toHaveLength(0);
    const more = await archiveDataDir(data.dir, arch.dir, { below: N + 1 });
    expect(more.written.length).toBeGreaterThan(0);
    expect(more.top).toBeGreaterThan(run.top);
    expect(more.top).toBeLessThan(N);
  });

  it('verifies from genesis after pruning, and traces a pruned envelope the offline verifier accepts', async () => {
    const { top } = await archiveDataDir(data.dir, arch.dir, { below: 13 });
    const earliest = await pruneTo(13);
    expect(earliest).toBeGreaterThan(1);
    expect(top).toBeGreaterThanOrEqual(earliest - 1);
    const r = await verifyArchive(arch.dir, anchor);
    expect(r.failure).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.top).toBe(top);
    const code = tracingCode(envelopes[1]!);
    const t = await traceFromArchive(arch.dir, code);
    expect(t.bundle.height).toBe(2);
    expect(t.segment).toBe(archivedSegmentOf(arch.dir, 2)?.file);
    const saved = decodeTraceFile(encodeTraceFile(t.bundle));
    const report = checkBundle(saved, code, { ...anchor, source: 'genesis test' });
    expect(report).toMatchObject({ verified: true, height: 2, blockHash: toHex(blocks[1]!.hash) });
    // Another chain's anchor does not accept it.
    const other = testChain({ validators: 5 }).genesis.validators;
    expect(checkBundle(saved, code, { ...anchor, validators: other, source: 'x' }).verified).toBe(false);
    await expect(traceFromArchive(arch.dir, new Uint8Array(32).fill(7))).rejects.toMatchObject({
      code: ArchiveErrorCode.NotFound,
    });
  });

  it('a flipped byte in a segment fails naming that segment and the height', async () => {
    await archiveDataDir(data.dir, arch.dir, { below: 13 });
    const seg = listArchive(arch.dir)[1]!;
    const path = join(arch.dir, seg.file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10]! ^= 0x01;
    writeFileSync(path, bytes);
    const r = await verifyArchive(arch.dir, anchor);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ segment: seg.file, check: 'MISMATCH', height: seg.lastHeight });
    expect(r.top).toBe(seg.lastHeight - 1);
  });

  it('a forged manifest fails naming the segment: a block hash, or the file hash', async () => {
    await archiveDataDir(data.dir, arch.dir, { below: 13 });
    const seg = listArchive(arch.dir)[1]!;
    const mPath = join(arch.dir, manifestFileName(seg.file));
    const honest = readFileSync(mPath, 'utf8');
    const m = JSON.parse(honest);
    m.blockHashes[1] = '00'.repeat(32);
    writeFileSync(mPath, JSON.stringify(m));
    const r = await verifyArchive(arch.dir, anchor);
    expect(r.failure).toMatchObject({ segment: seg.file, check: 'MISMATCH', height: seg.firstHeight + 1 });
    const m2 = JSON.parse(honest);
    m2.sha256 = 'ab'.repeat(32);
    writeFileSync(mPath, JSON.stringify(m2));
    const r2 = await verifyArchive(arch.dir, anchor);
    expect(r2.failure).toMatchObject({ segment: seg.file, check: 'MISMATCH', height: seg.firstHeight });
    expect(r2.failure?.message).toContain('SHA-256');
  });

  it('a segment the header chain does not accept fails there: another genesis, a missing segment', async () => {
    await archiveDataDir(data.dir, arch.dir, { below: 13 });
    const other = testChain({ validators: 5 });
    const wrong = await verifyArchive(arch.dir, { ...anchor, validators: other.genesis.validators });
    expect(wrong.failure).toMatchObject({ height: 1, check: 'WRONG_VALIDATOR_SET' });
    const [, hole, after] = listArchive(arch.dir);
    for (const f of [hole!.file, manifestFileName(hole!.file)]) unlinkSync(join(arch.dir, f));
    const gap = await verifyArchive(arch.dir, anchor);
    expect(gap.failure).toMatchObject({ segment: after!.file, height: hole!.firstHeight, check: 'GAP' });
  });

  it('refuses to start an archive above block 1: blocks pruned without one leave a gap', async () => {
    await pruneTo(13);
    await expect(archiveDataDir(data.dir, arch.dir, { below: N + 1 })).rejects.toMatchObject({
      code: ArchiveErrorCode.Gap,
    });
  });
});
