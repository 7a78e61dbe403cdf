// Pruning of block bodies (node/store/prune.ts): whole segments below the retain height go with
// their BlockLocation entries; headers, certificates, inclusion proofs and the block-hash log stay;
// reads of a pruned body answer PRUNED; a crash between the steps of a prune leaves a store that
// opens consistent and finishes the prune.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { verifyInclusion } from '../../../crypto/merkle-verify.js';
import { verifyTraceBundle } from '../../../crypto/trace-bundle.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { Bucket, key, u64 } from '../../../node/store/buckets.js';
import { MemoryDb, StoreErrorCode } from '../../../node/store/index.js';
import type { PruneFailpoint } from '../../../node/store/prune.js';
import { type BuiltBlock, certifiedBlock, type TestChain, tempDir, testChain, upload } from './fixtures.js';

const chain: TestChain = testChain();
const id = chain.genesis.chainId;
const N = 24;
/** Small segments: a few one-upload blocks each, so 24 blocks span several segments. */
const SEGMENT = 3000;

/** N linked blocks of one upload each, headers carrying the block-hash log. */
function chainOfUploads(): { blocks: BuiltBlock[]; roots: Uint8Array[] } {
  const log = LogFrontier.empty();
  let parent = id;
  log.append(parent);
  const blocks: BuiltBlock[] = [];
  const roots: Uint8Array[] = [];
  for (let h = 1; h <= N; h++) {
    roots.push(log.root());
    const b = certifiedBlock(chain, h, [upload(id, chain.sites[0]!, h, h)], {
      parentHash: parent,
      hashLogRoot: log.root(),
    });
    blocks.push(b);
    log.append(b.hash);
    parent = b.hash;
  }
  return { blocks, roots };
}
const { blocks, roots } = chainOfUploads();
const hashes = [id, ...blocks.map((b) => b.hash)];
const validators = chain.validators.map((v) => v.publicKey);

function segmentFiles(dir: string): string[] {
  return readdirSync(join(dir, 'blocks')).filter((f) => f.endsWith('.log'));
}

describe('pruning block bodies', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: MemoryDb;
  let l: PersistedLedger;
  beforeEach(async () => {
    tmp = tempDir();
    db = new MemoryDb();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db, segmentBytes: SEGMENT });
    for (const b of blocks) await l.commit(b.bytes, b.decoded);
  });
  afterEach(async () => {
    await l.close();
    tmp.cleanup();
  });

  async function pruneAll(retain: number): Promise<number> {
    let steps = 0;
    while ((await l.store.pruneStep(retain)).segment !== undefined) steps++;
    return steps;
  }

  it('deletes only whole segments below the retain height, never the open one', async () => {
    const before = segmentFiles(tmp.dir).length;
    expect(before).toBeGreaterThan(3);
    const steps = await pruneAll(12);
    expect(steps).toBeGreaterThan(0);
    const earliest = l.store.earliestHeight();
    expect(earliest).toBeLessThanOrEqual(12);
    expect(earliest).toBeGreaterThan(1);
    expect(segmentFiles(tmp.dir).length).toBe(before - steps);
    // Every block from earliest up reads back byte for byte; below it the answer is PRUNED.
    for (let h = earliest; h <= N; h++) expect(await l.store.getBlock(h)).toEqual(blocks[h - 1]!.bytes);
    await expect(l.store.getBlock(earliest - 1)).rejects.toMatchObject({
      code: StoreErrorCode.Pruned,
      meta: { height: earliest - 1, prunedBelow: earliest },
    });
    expect(await db.get(key(Bucket.BlockLocation, u64(1)))).toBeUndefined();
    expect(await db.get(key(Bucket.BlockLocation, u64(earliest)))).toBeDefined();
    // Retain at the tip + 1 still keeps the last segment (it is being appended to).
    await pruneAll(N + 1);
    expect(segmentFiles(tmp.dir).length).toBe(1);
    expect(await l.store.getBlock(N)).toEqual(blocks[N - 1]!.bytes);
  });

  it('keeps headers, certificates, receipts and block-hash log proofs of pruned blocks', async () => {
    await pruneAll(N);
    const earliest = l.store.earliestHeight();
    expect(earliest).toBeGreaterThan(5);
    for (let h = 1; h < earliest; h++) {
      expect(await l.store.getHeader(h)).toBeDefined();
      expect(await l.store.getCertificate(h)).toBeDefined();
      const code = tracingCode(blocks[h - 1]!.decoded.block.envelopes[0]!);
      expect((await l.store.receipt(code))?.height).toBe(h);
      for (const at of [h + 1, N]) {
        const p = await l.store.hashLogInclusion(h, at);
        expect(verifyInclusion(hashes[h]!, p, roots[at - 1]!)).toBe(true);
      }
    }
  });

  it('a trace of a pruned envelope is a typed PRUNED error; a kept one still verifies', async () => {
    await pruneAll(N);
    const earliest = l.store.earliestHeight();
    const pruned = tracingCode(blocks[0]!.decoded.block.envelopes[0]!);
    await expect(l.store.traceBundle(pruned)).rejects.toMatchObject({
      code: StoreErrorCode.Pruned,
      meta: { height: 1, prunedBelow: earliest },
    });
    const kept = tracingCode(blocks[N - 1]!.decoded.block.envelopes[0]!);
    expect(verifyTraceBundle(await l.store.traceBundle(kept), validators).ok).toBe(true);
  });

  it('the pruned height survives a restart and the chain keeps committing', async () => {
    await pruneAll(10);
    const earliest = l.store.earliestHeight();
    await l.close();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen(), segmentBytes: SEGMENT });
    expect(l.store.earliestHeight()).toBe(earliest);
    expect(l.tip()?.height).toBe(N);
    await expect(l.store.getBlock(1)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    expect(await l.store.getBlock(N)).toEqual(blocks[N - 1]!.bytes);
  });

  for (const at of ['afterMark', 'afterIndex'] as PruneFailpoint[])
    it(`a crash ${at} leaves a consistent store that finishes the prune at open`, async () => {
      const first = segmentFiles(tmp.dir).sort()[0]!;
      const fail = (p: PruneFailpoint): void => {
        if (p === at) throw new Error(`injected crash ${p}`);
      };
      await expect(l.store.pruneStep(N, fail)).rejects.toThrow('injected crash');
      // The segment is still on disk, but its bodies already count as pruned.
      expect(existsSync(join(tmp.dir, 'blocks', first))).toBe(true);
      const earliest = l.store.earliestHeight();
      expect(earliest).toBeGreaterThan(1);
      await expect(l.store.getBlock(1)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
      await l.close();
      // Unsynced index writes (the location deletions) are lost too.
      db.crashUnsynced();
      l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen(), segmentBytes: SEGMENT });
      expect(existsSync(join(tmp.dir, 'blocks', first))).toBe(false);
      expect(l.store.earliestHeight()).toBe(earliest);
      expect(await db.get(key(Bucket.BlockLocation, u64(1)))).toBeUndefined();
      expect(l.tip()?.height).toBe(N);
      for (let h = earliest; h <= N; h++) expect(await l.store.getBlock(h)).toEqual(blocks[h - 1]!.bytes);
      // Pruning goes on from there.
      await pruneAll(N);
      expect(l.store.earliestHeight()).toBeGreaterThan(earliest);
    });

  it('nothing is pruned while the retain height is inside the first segment', async () => {
    const before = segmentFiles(tmp.dir).length;
    expect((await l.store.pruneStep(2)).segment).toBeUndefined();
    expect(segmentFiles(tmp.dir).length).toBe(before);
    expect(l.store.earliestHeight()).toBe(1);
    expect(await l.store.getBlock(1)).toEqual(blocks[0]!.bytes);
  });
});
