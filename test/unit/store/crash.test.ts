// Crash safety (docs/storage.md): a crash at each step of a block commit, then reopen. Steps:
// (a) the block-log append is torn part-way, (b) the append is synced but the index batch never
// ran, (c) index batches ran but were never synced and are lost. After reopening, the store is
// consistent, every block reported committed is intact, and the state equals a clean run's.
import { appendFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { Reason } from '../../../ledger/reasons.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { BlockLog } from '../../../node/store/block-log.js';
import { Bucket, key } from '../../../node/store/buckets.js';
import { encodeFrameHeader } from '../../../node/store/frame.js';
import { MemoryDb, ReceiptStatus, StoreErrorCode } from '../../../node/store/index.js';
import { consensusState } from './consensus-fixtures.js';
import { type BuiltBlock, certifiedBlock, type TestChain, tempDir, testChain, upload } from './fixtures.js';

const chain: TestChain = testChain();
const id = chain.genesis.chainId;

/** Three blocks of uploads from two sites (each upload moves a replay window: state changes). */
const blocks: BuiltBlock[] = [1, 2, 3].map((h) =>
  certifiedBlock(chain, h, [
    upload(id, chain.sites[0]!, h * 2 - 1, h),
    upload(id, chain.sites[1]!, h, h),
    upload(id, chain.sites[0]!, h * 2, h),
  ]),
);

async function cleanRun(n: number): Promise<{ roots: Uint8Array[] }> {
  const tmp = tempDir();
  const l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
  const roots: Uint8Array[] = [];
  for (const b of blocks.slice(0, n)) roots.push((await l.commit(b.bytes, b.decoded)).tip.stateRoot);
  await l.close();
  tmp.cleanup();
  return { roots };
}

function segmentPath(dir: string): string {
  const f = readdirSync(join(dir, 'blocks'))
    .filter((n) => n.endsWith('.log'))
    .sort()
    .at(-1) as string;
  return join(dir, 'blocks', f);
}

async function expectIntact(l: PersistedLedger, upTo: number, roots: Uint8Array[]): Promise<void> {
  expect(l.tip()?.height).toBe(upTo);
  expect(l.contracts.stateRoot()).toEqual(roots[upTo - 1]);
  for (let h = 1; h <= upTo; h++) {
    const b = blocks[h - 1] as BuiltBlock;
    expect(await l.store.getBlock(h)).toEqual(b.bytes);
    expect(await l.store.stateRoot(h)).toEqual(roots[h - 1]);
    for (const env of b.decoded.block.envelopes)
      expect((await l.store.findEnvelope(tracingCode(env)))?.envelope).toEqual(env);
  }
}

describe('crash at each step of a block commit', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('(a) a torn block-log append is truncated; committed blocks survive and the next commit works', async () => {
    const { roots } = await cleanRun(3);
    const b3 = blocks[2] as BuiltBlock;
    const frame = Buffer.concat([encodeFrameHeader(3, b3.bytes), b3.bytes]);
    for (const cut of [1, 30, 48, 49, frame.length - 1]) {
      const dir = join(tmp.dir, `cut-${cut}`);
      let l = await PersistedLedger.open(dir, chain.genesis);
      for (const b of blocks.slice(0, 2)) await l.commit(b.bytes, b.decoded);
      await l.close();
      const before = statSync(segmentPath(dir)).size;
      appendFileSync(segmentPath(dir), frame.subarray(0, cut));
      l = await PersistedLedger.open(dir, chain.genesis);
      expect(statSync(segmentPath(dir)).size).toBe(before);
      expect(l.store.lastRecovery.reindexed).toBe(0);
      await expectIntact(l, 2, roots);
      await l.commit(b3.bytes, b3.decoded);
      await expectIntact(l, 3, roots);
      await l.close();
    }
  });

  it('(a) a frame whose bytes were garbled in the tail is treated as torn, not indexed', async () => {
    const { roots } = await cleanRun(2);
    let l = await PersistedLedger.open(tmp.dir, chain.genesis);
    await l.commit(blocks[0]!.bytes, blocks[0]!.decoded);
    await l.close();
    const b2 = blocks[1] as BuiltBlock;
    const frame = Buffer.concat([encodeFrameHeader(2, b2.bytes), b2.bytes]);
    frame.writeUInt8(frame.readUInt8(frame.length - 10) ^ 0xff, frame.length - 10);
    appendFileSync(segmentPath(tmp.dir), frame);
    l = await PersistedLedger.open(tmp.dir, chain.genesis);
    await expectIntact(l, 1, roots);
    await l.close();
  });

  it('(b) a block synced to the log but never indexed is re-indexed and re-executed', async () => {
    const { roots } = await cleanRun(3);
    let l = await PersistedLedger.open(tmp.dir, chain.genesis);
    await l.commit(blocks[0]!.bytes, blocks[0]!.decoded);
    await l.close();
    const log = await BlockLog.open(join(tmp.dir, 'blocks'));
    await log.append(2, blocks[1]!.bytes);
    await log.append(3, blocks[2]!.bytes);
    await log.close();
    l = await PersistedLedger.open(tmp.dir, chain.genesis);
    expect(l.store.lastRecovery.reindexed).toBe(2);
    await expectIntact(l, 3, roots);
    const receipts = await l.store.receipts(3);
    expect(receipts).toHaveLength(3);
    await l.close();
  });

  it('(c) index batches lost with their unsynced writes are rebuilt from the log', async () => {
    const { roots } = await cleanRun(3);
    const db = new MemoryDb();
    let l = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    for (const b of blocks) await l.commit(b.bytes, b.decoded);
    await l.store.log.close();
    db.crashUnsynced();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.lastRecovery.reindexed).toBe(3);
    await expectIntact(l, 3, roots);
    await l.close();
  });

  it.each([
    ['(b) never indexed', 'unindexed'],
    ['(c) lost unsynced', 'lost'],
  ])('%s: a rejected envelope gets its receipt by tracing code back with the block', async (_, how) => {
    const good = upload(id, chain.sites[0]!, 1, 1);
    const bad = upload(id, chain.sites[0]!, 2, 2, { country: 250 });
    const b1 = certifiedBlock(chain, 1, [good, bad]);
    const db = new MemoryDb();
    let l = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    if (how === 'lost') await l.commit(b1.bytes, b1.decoded);
    await l.store.log.close();
    if (how === 'unindexed') {
      const log = await BlockLog.open(join(tmp.dir, 'blocks'));
      await log.append(1, b1.bytes);
      await log.close();
    } else db.crashUnsynced();
    // The crash left no trace of the rejection in the index: recovery must write it again.
    expect(await db.reopen().get(key(Bucket.Rejected, tracingCode(bad)))).toBeUndefined();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.lastRecovery.reindexed).toBe(1);
    expect(await l.store.receipt(tracingCode(bad))).toMatchObject({
      status: ReceiptStatus.Rejected,
      reason: Reason.CountryMismatch,
      height: 1,
      index: 1,
    });
    expect(await l.store.findEnvelope(tracingCode(bad))).toBeUndefined();
    expect((await l.store.findEnvelope(tracingCode(good)))?.envelope).toEqual(good);
    await l.close();
  });

  it('(c) a consensus WAL write survives the same crash', async () => {
    const db = new MemoryDb();
    const l = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    await l.store.putConsensusState(consensusState(1));
    await l.commit(blocks[0]!.bytes, blocks[0]!.decoded);
    await l.store.log.close();
    db.crashUnsynced();
    const again = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(again.store.consensusState()).toEqual(consensusState(1));
    expect(again.tip()?.height).toBe(1);
    await again.close();
  });

  it('refuses to open when the index points past the block log (the log lost synced blocks)', async () => {
    const l = await PersistedLedger.open(tmp.dir, chain.genesis);
    for (const b of blocks.slice(0, 2)) await l.commit(b.bytes, b.decoded);
    await l.close();
    truncateSync(segmentPath(tmp.dir), 100);
    await expect(PersistedLedger.open(tmp.dir, chain.genesis)).rejects.toMatchObject({
      code: StoreErrorCode.Inconsistent,
    });
  });
});
