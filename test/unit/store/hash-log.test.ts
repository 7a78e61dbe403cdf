// The block-hash log as a node keeps it (node/store/hash-log.ts): after each commit the store's
// log is the one the next header must carry, proofs read back from disk verify against the roots
// headers carry, and a restart, or a recovery that re-indexes lost batches, reproduces the same roots.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../../crypto/bytes.js';
import { verifyConsistency, verifyInclusion } from '../../../crypto/merkle-verify.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb, StoreErrorCode } from '../../../node/store/index.js';
import { linkedChain, type TestChain, tempDir, testChain } from './fixtures.js';

const chain: TestChain = testChain();

const N = 37;
const { blocks, roots } = linkedChain(chain, N);

describe('block-hash log in the store', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('after each commit holds the root the next header carries; proofs verify against header roots', async () => {
    const l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    expect(l.store.hashLog().size).toBe(0);
    for (const [i, b] of blocks.entries()) {
      await l.commit(b.bytes, b.decoded);
      expect(l.store.hashLog().size).toBe(i + 2);
      expect(toHex(l.store.hashLog().root)).toBe(toHex(roots[i + 1]!));
    }
    // roots[h - 1] is the root header h carries, over h leaves.
    for (let second = 1; second <= N; second++)
      for (let first = 1; first <= second; first++) {
        const p = await l.store.hashLogConsistency(first, second);
        expect(verifyConsistency(p, roots[first - 1]!, roots[second - 1]!)).toBe(true);
      }
    const hashes = [chain.genesis.chainId, ...blocks.map((b) => b.hash)];
    for (let at = 1; at <= N; at++)
      for (let h = 0; h < at; h++) {
        const p = await l.store.hashLogInclusion(h, at);
        expect(verifyInclusion(hashes[h]!, p, roots[at - 1]!)).toBe(true);
      }
    // The log over blocks 0..tip exists (size N + 1) but no header carries it yet: still provable.
    await expect(l.store.hashLogConsistency(1, N + 2)).rejects.toMatchObject({
      code: StoreErrorCode.NotFound,
    });
    await l.close();
  });

  it('a restart reloads the frontier with the same roots, and the log continues from it', async () => {
    const db = new MemoryDb();
    let l = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    for (const b of blocks.slice(0, 20)) await l.commit(b.bytes, b.decoded);
    await l.close();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.hashLog().size).toBe(21);
    expect(toHex(l.store.hashLog().root)).toBe(toHex(roots[20]!));
    for (const b of blocks.slice(20)) await l.commit(b.bytes, b.decoded);
    expect(toHex(l.store.hashLog().root)).toBe(toHex(roots[N]!));
    await l.close();
  });

  it('index batches lost in a crash are rebuilt by recovery with the same log', async () => {
    const db = new MemoryDb();
    let l = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    for (const b of blocks.slice(0, 11)) await l.commit(b.bytes, b.decoded);
    await l.store.log.close();
    db.crashUnsynced();
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(l.store.lastRecovery.reindexed).toBe(11);
    expect(toHex(l.store.hashLog().root)).toBe(toHex(roots[11]!));
    const p = await l.store.hashLogConsistency(3, 11);
    expect(verifyConsistency(p, roots[2]!, roots[10]!)).toBe(true);
    await l.close();
  });
});
