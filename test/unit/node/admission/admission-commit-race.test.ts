// Admission against a real ledger while a block commits: the contract state counts a block's
// envelopes as spent as soon as its contracts run, before its index batch is written. A re-send of
// one of them in that window must be ALREADY_COMMITTED, never REPLAYED (a site re-makes a REPLAYED
// reading under a new sequence number, and the same reading would commit twice).
import { afterEach, describe, expect, it } from 'vitest';
import { UploadStatus } from '../../../../api/types.js';
import { Admission, hex } from '../../../../node/admission/admission.js';
import { authorize } from '../../../../node/admission/authorize.js';
import { executionResult } from '../../../../node/admission/execution-result.js';
import { Mempool } from '../../../../node/chain/mempool.js';
import { PersistedLedger } from '../../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../../node/store/index.js';
import { certifiedBlock, tempDir, testChain, upload } from '../../store/fixtures.js';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

async function setup() {
  const chain = testChain();
  const tmp = tempDir();
  dirs.push(tmp);
  const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
  const site = chain.sites[0]!;
  const env = upload(chain.genesis.chainId, site, 1, Date.parse('2026-01-01T00:01:00Z'));
  const block = certifiedBlock(chain, 1, [env]);
  let commit: Promise<unknown> | undefined;
  let startCommit = false;
  const { store, contracts } = ledger;
  const admission = new Admission({
    chainIdHex: hex(chain.genesis.chainId),
    mempool: new Mempool(),
    // The block holding the envelope starts committing while the batch is being verified.
    verifier: {
      verifyBatch: async (items) => {
        if (startCommit) commit = ledger.commit(block.bytes, block.decoded);
        return items.map(() => true);
      },
    },
    recorded: async (tcs, refusedOnly) =>
      (await store.recorded(tcs, refusedOnly)).map((r) => r && executionResult(r)),
    authorize: (e) => authorize(contracts, e, { now: Date.now(), height: (store.tip()?.height ?? 0) + 1 }),
    onAdmitted: () => undefined,
    retryAfterMs: () => 0,
    stateVersion: () => contracts.version,
  });
  return {
    ledger,
    env,
    block,
    admission,
    armCommit: () => {
      startCommit = true;
    },
    commitDone: () => commit,
  };
}

describe('admission while a block commits', () => {
  it('answers ALREADY_COMMITTED for an envelope its block applied during verification', async () => {
    const t = await setup();
    t.armCommit();
    const [r] = await t.admission.admit([t.env]);
    expect(r!.status).toBe(UploadStatus.AlreadyCommitted);
    await t.commitDone();
    expect(await t.ledger.store.committed([r!.tracingCode])).toEqual([true]);
  });

  it('answers ALREADY_COMMITTED for a re-send that arrives while the index batch is written', async () => {
    const t = await setup();
    const committing = t.ledger.commit(t.block.bytes, t.block.decoded);
    // The contracts have run (synchronously, inside commit); the index batch is still in flight.
    const [r] = await t.admission.admit([t.env]);
    expect(r!.status).toBe(UploadStatus.AlreadyCommitted);
    await committing;
    const [again] = await t.admission.admit([t.env]);
    expect(again!.status).toBe(UploadStatus.AlreadyCommitted);
  });
});
