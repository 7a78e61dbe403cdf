// A store installed from a snapshot (node/store/install.ts): it opens at a base height > 0 with the
// snapshot's state, header, certificate and the block-hash log's frontier; later blocks commit on
// it with the same hashes, roots and proofs as on a store that holds the whole chain; nothing
// below the base is served (PRUNED); the install is one synced batch (a crash before it leaves the
// empty store, after it the whole base), a restart before the first block opens at the base, and the
// offline chain check (and so a backup's restore) starts from the base.

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { createNodeBackup, restoreNodeBackup } from '../../../node/backup/node-backup.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import {
  type BaseInstall,
  type DbOp,
  MemoryDb,
  Store,
  StoreErrorCode,
  verifyStoredChain,
} from '../../../node/store/index.js';
import { certifiedBlock, headerBytesOf, type TestChain, tempDir, testChain, upload } from './fixtures.js';

const chain: TestChain = testChain();
const id = chain.genesis.chainId;
const N = 12;
const BASE = 6;

/** N linked blocks with one upload each, headers carrying the block-hash log. */
function blocksOf() {
  const log = LogFrontier.empty();
  log.append(id);
  let parent = id;
  const out = [];
  for (let h = 1; h <= N; h++) {
    const b = certifiedBlock(chain, h, [upload(id, chain.sites[0]!, h, h)], {
      parentHash: parent,
      hashLogRoot: log.root(),
    });
    out.push(b);
    log.append(b.hash);
    parent = b.hash;
  }
  return out;
}
const blocks = blocksOf();

/** What state sync hands over at BASE, taken from a ledger that executed blocks 1..BASE. */
async function baseFrom(ref: PersistedLedger): Promise<BaseInstall> {
  const b = blocks[BASE - 1]!;
  const frontier = LogFrontier.empty();
  frontier.append(id);
  for (const x of blocks.slice(0, BASE)) frontier.append(x.hash);
  return {
    height: BASE,
    header: headerBytesOf(b).header,
    certificate: headerBytesOf(b).certificate,
    stateRoot: (await ref.store.stateRoot(BASE)) as Uint8Array,
    entries: ref.contracts.state.entries(),
    hashLogFrontier: frontier.subtrees,
    hashLogRoot: blocks[BASE]!.decoded.block.header.hashLogRoot,
  };
}

/** A MemoryDb whose next batch fails before anything is written, as a crash before the write does. */
class FailingDb extends MemoryDb {
  failNext = false;
  override async batch(ops: DbOp[], opts: { sync?: boolean } = {}): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('simulated crash before the batch');
    }
    return super.batch(ops, opts);
  }
}

describe('a store installed at a base height', () => {
  let refDir: ReturnType<typeof tempDir>;
  let tmp: ReturnType<typeof tempDir>;
  let ref: PersistedLedger;
  let base: BaseInstall;
  beforeEach(async () => {
    refDir = tempDir();
    tmp = tempDir();
    ref = await PersistedLedger.open(refDir.dir, chain.genesis, { db: new MemoryDb() });
    for (const b of blocks.slice(0, BASE)) await ref.commit(b.bytes, b.decoded);
    base = await baseFrom(ref);
    for (const b of blocks.slice(BASE)) await ref.commit(b.bytes, b.decoded);
  });
  afterEach(async () => {
    await ref.close();
    refDir.cleanup();
    tmp.cleanup();
  });

  it('opens at the base, commits the rest like a full store, and serves nothing below it', async () => {
    const db = new MemoryDb();
    await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() }).then((l) => l.close());
    await Store.installBase(tmp.dir, base, { db: db.reopen() });
    const l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.tip()?.height).toBe(BASE);
    expect(l.store.base()).toBe(BASE);
    expect(l.store.earliestHeight()).toBe(BASE + 1);
    expect(l.contracts.state.root()).toEqual(base.stateRoot);
    expect(l.store.hashLog().root).toEqual(base.hashLogRoot);
    for (const b of blocks.slice(BASE)) await l.commit(b.bytes, b.decoded);
    expect(l.store.tip()?.hash).toEqual(ref.store.tip()?.hash);
    expect(l.store.tip()?.stateRoot).toEqual(ref.store.tip()?.stateRoot);
    expect(l.store.hashLog()).toEqual(ref.store.hashLog());
    // Proofs above the base read the same subtrees as the full store's.
    expect(await l.store.hashLogInclusion(BASE + 2, N + 1)).toEqual(
      await ref.store.hashLogInclusion(BASE + 2, N + 1),
    );
    expect(await l.store.hashLogConsistency(BASE + 1, N + 1)).toEqual(
      await ref.store.hashLogConsistency(BASE + 1, N + 1),
    );
    const above = blocks[BASE + 1]!.decoded.block.envelopes[0]!;
    const aboveCode = (await ref.store.receipts(BASE + 2))[0]!.tracingCode;
    expect((await l.store.traceBundle(aboveCode)).envelope).toEqual(above);
    const belowCode = (await ref.store.receipts(2))[0]!.tracingCode;
    await expect(l.store.traceBundle(belowCode)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    await expect(l.store.getBlock(BASE)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    await expect(l.store.getHeader(2)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    await expect(l.store.hashLogInclusion(3, N + 1)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    expect(await l.store.getHeader(BASE)).toEqual(base.header);
    await l.close();
  });

  it('a restart after the install and before the first block opens at the base', async () => {
    const db = new MemoryDb();
    await Store.installBase(tmp.dir, base, { db: db.reopen() });
    db.crashUnsynced();
    let l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.tip()?.height).toBe(BASE);
    await l.close();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    await l.commit(blocks[BASE]!.bytes, blocks[BASE]!.decoded);
    expect(l.store.tip()?.hash).toEqual(blocks[BASE]!.hash);
    await l.close();
  });

  it('a crash before the install batch leaves the empty store, and the install then succeeds', async () => {
    const db = new FailingDb();
    await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() }).then((l) => l.close());
    db.failNext = true;
    await expect(Store.installBase(tmp.dir, base, { db: db.reopen() })).rejects.toThrow('simulated crash');
    db.crashUnsynced();
    const empty = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(empty.store.tip()).toBeUndefined();
    expect(empty.store.base()).toBe(0);
    await empty.close();
    await Store.installBase(tmp.dir, base, { db: db.reopen() });
    const l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.tip()?.height).toBe(BASE);
    expect(l.contracts.state.root()).toEqual(base.stateRoot);
    await l.close();
  });

  it('refuses to install over blocks, and a frontier that does not lead to the certified root', async () => {
    const db = new MemoryDb();
    const l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    await l.commit(blocks[0]!.bytes, blocks[0]!.decoded);
    await l.close();
    await expect(Store.installBase(tmp.dir, base, { db: db.reopen() })).rejects.toMatchObject({
      code: StoreErrorCode.Inconsistent,
    });
    const other = tempDir();
    const forged = { ...base, hashLogFrontier: base.hashLogFrontier.map(() => new Uint8Array(32)) };
    await expect(Store.installBase(other.dir, forged, { db: new MemoryDb() })).rejects.toThrow(
      'does not lead to the root',
    );
    other.cleanup();
  });

  it('checks offline from the base, and a backup of the folder restores with that check', async () => {
    // As joinByStateSync does: the node's store is opened (genesis written) before the install.
    const fresh = async (d: string) => (await PersistedLedger.open(d, chain.genesis)).close();
    const dir = join(tmp.dir, 'synced');
    await fresh(dir);
    await Store.installBase(dir, base);
    const l = await PersistedLedger.open(dir, chain.genesis);
    for (const b of blocks.slice(BASE)) await l.commit(b.bytes, b.decoded);
    await l.close();
    const r = await verifyStoredChain(dir);
    expect(r).toMatchObject({
      base: BASE,
      tip: N,
      earliestHeight: BASE + 1,
      headers: N - BASE + 1,
      bodies: N - BASE,
    });
    const archive = join(tmp.dir, 'synced.tar.gz');
    await createNodeBackup(dir, archive);
    const restored = await restoreNodeBackup(archive, join(tmp.dir, 'restored'));
    expect(restored.chain).toEqual(r);
    // A certificate that names another block at the base is found.
    const forged = join(tmp.dir, 'forged');
    await fresh(forged);
    await Store.installBase(forged, { ...base, certificate: headerBytesOf(blocks[BASE - 2]!).certificate });
    await expect(verifyStoredChain(forged)).rejects.toMatchObject({
      code: StoreErrorCode.Inconsistent,
      meta: { height: BASE },
    });
  });
});
