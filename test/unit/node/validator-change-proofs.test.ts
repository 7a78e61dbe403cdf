// Every node keeps the proof of each validator-set change (node/validator-proofs.ts): in the index
// batch of the header before the activation, so a live commit and a block re-executed by recovery
// (a crash that lost the unsynced index, a block durable only in the block log) keep the same
// proof, and a light client learns the change from it.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { LightClient } from '../../../api/light-client.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { BlockLog } from '../../../node/store/block-log.js';
import { MemoryDb } from '../../../node/store/index.js';
import { validatorChangeProof } from '../../../node/validator-proofs.js';
import { hexOf, tempDir } from '../store/fixtures.js';
import { ACTIVATION, builder, chain, newSet } from './change-chain.js';

/** A light client from genesis learns the change from the node's kept proof. */
async function learned(ledger: PersistedLedger): Promise<string[]> {
  const lc = new LightClient({
    chainId: chain.genesis.chainId,
    validators: chain.validators.map((v) => v.publicKey),
  });
  const proof = await validatorChangeProof(ledger.store, ACTIVATION);
  expect(lc.accept(proof, ACTIVATION - 1)).toBe(ACTIVATION - 1);
  return lc.candidateAt(ACTIVATION).map(hexOf);
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('validator-set change proofs kept by every node', () => {
  it('a live commit keeps the proof in the batch of the header before the activation, and no other', async () => {
    const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    const b = builder(ledger);
    await b.upTo(ACTIVATION - 2);
    await expect(validatorChangeProof(ledger.store, ACTIVATION)).rejects.toMatchObject({
      code: ApiErrorCode.NotFound,
    });
    await b.upTo(ACTIVATION + 1);
    expect(await learned(ledger)).toEqual(newSet.map((k) => hexOf(k.publicKey)));
    expect((await validatorChangeProof(ledger.store, ACTIVATION)).header).toEqual(
      await ledger.store.getHeader(ACTIVATION - 1),
    );
    for (const other of [ACTIVATION - 1, ACTIVATION + 1])
      await expect(validatorChangeProof(ledger.store, other)).rejects.toMatchObject({
        code: ApiErrorCode.NotFound,
      });
    await ledger.close();
  });

  it('a crash that loses the unsynced index batches: recovery re-executes and keeps the same proof', async () => {
    const db = new MemoryDb();
    let ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    await builder(ledger).upTo(ACTIVATION + 1);
    const live = await validatorChangeProof(ledger.store, ACTIVATION);
    await ledger.store.log.close();
    db.crashUnsynced();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    expect(ledger.store.lastRecovery.reindexed).toBe(ACTIVATION + 1);
    expect(await validatorChangeProof(ledger.store, ACTIVATION)).toEqual(live);
    expect(await learned(ledger)).toEqual(newSet.map((k) => hexOf(k.publicKey)));
    await ledger.close();
  });

  it('blocks durable only in the block log: recovery keeps the proof, and the proven state follows to the tip', async () => {
    const source = await PersistedLedger.open(join(tmp.dir, 'source'), chain.genesis, { db: new MemoryDb() });
    const b = builder(source);
    await b.upTo(ACTIVATION + 1);
    const blocks = b.built;
    const live = await validatorChangeProof(source.store, ACTIVATION);
    await source.close();
    const dir = join(tmp.dir, 'replayed');
    let ledger = await PersistedLedger.open(dir, chain.genesis, { db: new MemoryDb() });
    await ledger.close();
    const log = await BlockLog.open(join(dir, 'blocks'));
    for (const [i, b] of blocks.entries()) await log.append(i + 1, b.bytes);
    await log.close();
    const db = new MemoryDb();
    ledger = await PersistedLedger.open(dir, chain.genesis, { db });
    expect(ledger.store.lastRecovery.reindexed).toBe(ACTIVATION + 1);
    expect(await validatorChangeProof(ledger.store, ACTIVATION)).toEqual(live);
    expect(await learned(ledger)).toEqual(newSet.map((k) => hexOf(k.publicKey)));
    // The recovered tip's header certifies the proven state at once: no commit needed first.
    expect(ledger.proven.height).toBe(ACTIVATION + 1);
    await ledger.close();
  });
});
