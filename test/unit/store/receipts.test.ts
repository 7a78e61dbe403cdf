// Every executed envelope's receipt is found by tracing code, applied or rejected,
// while the trace index, proofs, queries and "already committed" keep meaning applied only. Also
// the GetReceipt RPC handler on top of it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallContext } from '../../../api/handlers.js';
import { ReceiptState, UploadStatus } from '../../../api/types.js';
import type { GovernanceAction } from '../../../codec/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { Reason } from '../../../ledger/reasons.js';
import { Admission, hex } from '../../../node/admission/admission.js';
import { authorize } from '../../../node/admission/authorize.js';
import { RecentRefusals } from '../../../node/admission/evictions.js';
import { executionResult } from '../../../node/admission/execution-result.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { type RpcDeps, RpcHandlers } from '../../../node/rpc-handlers.js';
import { MemoryDb, ReceiptStatus, StoreErrorCode } from '../../../node/store/index.js';
import { call, certifiedBlock, type TestChain, tempDir, testChain, upload } from './fixtures.js';

describe('receipts by tracing code', () => {
  let chain: TestChain;
  let tmp: ReturnType<typeof tempDir>;
  let ledger: PersistedLedger;
  let height: number;
  let adminSeq: number;

  beforeEach(async () => {
    chain = testChain();
    tmp = tempDir();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis);
    height = 0;
    adminSeq = 0;
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  const id = () => chain.genesis.chainId;
  const site = () => chain.sites[0]!;

  async function commit(envs: Uint8Array[]): Promise<void> {
    const b = certifiedBlock(chain, ++height, envs);
    await ledger.commit(b.bytes, b.decoded);
  }

  /** One block: admin 0 proposes, admin 1 approves (threshold 2). */
  async function enact(action: GovernanceAction): Promise<void> {
    const [a, b] = chain.admins;
    const time = chain.genesis.genesisTime + (height + 1) * 1000;
    const p = call(id(), a!, ++adminSeq, time, { type: 'propose', action, expiresAt: time + 60_000 });
    await commit([p, call(id(), b!, adminSeq, time, { type: 'approve', proposalId: tracingCode(p) })]);
  }

  it('finds a rejected envelope with its reason, and keeps it out of traces, queries and "committed"', async () => {
    const good = upload(id(), site(), 1, 10);
    const bad = upload(id(), site(), 2, 20, { country: 250 });
    await commit([good, bad]);
    const tc = tracingCode(bad);
    const expected = { status: ReceiptStatus.Rejected, reason: Reason.CountryMismatch, height: 1, index: 1 };
    expect(await ledger.store.receipt(tc)).toMatchObject({ ...expected, tracingCode: tc });
    expect(await ledger.store.receipt(tracingCode(good))).toMatchObject({
      status: ReceiptStatus.Applied,
      reason: 0,
      index: 0,
    });
    expect(await ledger.store.receipt(new Uint8Array(32).fill(7))).toBeUndefined();
    expect(await ledger.store.findEnvelope(tc)).toBeUndefined();
    expect(await ledger.store.committed([tracingCode(good), tc])).toEqual([true, false]);
    await expect(ledger.store.traceBundle(tc)).rejects.toMatchObject({ code: StoreErrorCode.NotFound });
    const bySite = await ledger.store.bySite(site().routing.siteId, 0, 1000);
    expect(bySite.items.map((i) => i.time)).toEqual([10]);
    // Still there after a clean reopen.
    await ledger.close();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis);
    expect(await ledger.store.receipt(tc)).toMatchObject(expected);
  });

  it('keeps the applied receipt when a replay of the same envelope is rejected later', async () => {
    const env = upload(id(), site(), 1, 10);
    await commit([env]);
    await commit([env]);
    expect((await ledger.store.receipts(2)).map((r) => r.reason)).toEqual([Reason.SeqReplayed]);
    expect(await ledger.store.receipt(tracingCode(env))).toMatchObject({
      status: ReceiptStatus.Applied,
      height: 1,
      index: 0,
    });
  });

  it('moves to the applied receipt when a rejected envelope is re-sent and applied', async () => {
    const siteKeyId = keyIdOf(site().key.publicKey);
    const env = upload(id(), site(), 1, 10);
    await enact({ type: 'suspendSite', siteKeyId });
    await commit([env]);
    const tc = tracingCode(env);
    expect(await ledger.store.receipt(tc)).toMatchObject({
      status: ReceiptStatus.Rejected,
      reason: Reason.SiteSuspended,
      height: 2,
    });
    await enact({ type: 'resumeSite', siteKeyId });
    await commit([env]);
    expect(await ledger.store.receipt(tc)).toMatchObject({ status: ReceiptStatus.Applied, height: 4 });
    expect((await ledger.store.findEnvelope(tc))?.data.height).toBe(4);
    // The earlier block's record of the rejection is kept.
    expect((await ledger.store.receipts(2)).map((r) => r.status)).toEqual([ReceiptStatus.Rejected]);
  });

  it('GetReceipt answers committed with the reason of a rejection, pending, or NOT_FOUND', async () => {
    const good = upload(id(), site(), 1, 10);
    const bad = upload(id(), site(), 2, 20, { country: 250 });
    await commit([good, bad]);
    const mempool = new Mempool();
    // getReceipt reads only the mempool and the store.
    const rpc = new RpcHandlers({ store: ledger.store, mempool } as unknown as RpcDeps);
    const blockTime = chain.genesis.genesisTime + 1000;
    expect(await rpc.getReceipt(tracingCode(bad))).toEqual({
      tracingCode: tracingCode(bad),
      state: ReceiptState.Committed,
      height: 1,
      index: 1,
      result: 'CountryMismatch',
      blockTime,
    });
    expect(await rpc.getReceipt(tracingCode(good))).toMatchObject({ index: 0, result: '', blockTime });
    await expect(rpc.getReceipt(new Uint8Array(32))).rejects.toMatchObject({ code: NodeErrorCode.NotFound });
    const pending = upload(id(), site(), 3, 30);
    const tc = tracingCode(pending);
    mempool.add({ id: Buffer.from(tc).toString('hex'), bytes: pending, code: tc, signer: 's', seq: 3 });
    expect(await rpc.getReceipt(tc)).toMatchObject({ state: ReceiptState.Pending, height: 0 });
  });

  it('UploadBatch answers an envelope its block refused ALREADY_COMMITTED with that result, even once it would pass', async () => {
    const siteKeyId = keyIdOf(site().key.publicKey);
    const env = upload(id(), site(), 1, 10);
    await enact({ type: 'suspendSite', siteKeyId });
    await commit([env]);
    await enact({ type: 'resumeSite', siteKeyId });
    const mempool = new Mempool();
    const { store, contracts } = ledger;
    const admission = new Admission({
      chainIdHex: hex(id()),
      mempool,
      verifier: { verifyBatch: async (items) => items.map(() => true) },
      recorded: async (tcs, refusedOnly) =>
        (await store.recorded(tcs, refusedOnly)).map((r) => r && executionResult(r)),
      authorize: (e) => authorize(contracts, e, { now: Date.now(), height: (store.tip()?.height ?? 0) + 1 }),
      onAdmitted: () => undefined,
      retryAfterMs: () => 0,
    });
    const rpc = new RpcHandlers({ admission, store, mempool, isReady: () => true } as unknown as RpcDeps);
    const res = await rpc.uploadBatch([env, env], {} as CallContext);
    expect(res.map((r) => [r.status, r.reason])).toEqual([
      [UploadStatus.AlreadyCommitted, 'SiteSuspended'],
      [UploadStatus.AlreadyCommitted, 'SiteSuspended'],
    ]);
    expect(mempool.size).toBe(0);
    expect(await rpc.getReceipt(tracingCode(env))).toMatchObject({
      state: ReceiptState.Committed,
      height: 2,
      result: 'SiteSuspended',
    });
    // The site's way on, a new envelope for the reading, is admitted.
    const remade = upload(id(), site(), 2, 10);
    expect((await rpc.uploadBatch([remade], {} as CallContext))[0]!.status).toBe(UploadStatus.Accepted);
  });

  it('recorded(): what a block recorded per code, rejections only on request, in one pass', async () => {
    const good = upload(id(), site(), 1, 10);
    const bad = upload(id(), site(), 2, 20, { country: 250 });
    const unknown = new Uint8Array(32).fill(7);
    const codes = [tracingCode(good), tracingCode(bad), unknown];
    expect(await ledger.store.recorded(codes)).toEqual([undefined, undefined, undefined]);
    await commit([good, bad]);
    const applied = { status: ReceiptStatus.Applied, reason: 0 };
    const rejected = { status: ReceiptStatus.Rejected, reason: Reason.CountryMismatch };
    expect(await ledger.store.recorded(codes)).toEqual([applied, rejected, undefined]);
    expect(await ledger.store.recorded(codes, true)).toEqual([undefined, rejected, undefined]);
    // After a reopen the store still knows some envelope was rejected, and finds it.
    await ledger.close();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis);
    expect(await ledger.store.recorded(codes, true)).toEqual([undefined, rejected, undefined]);
  });

  it('GetReceipt of an envelope this node evicted answers its refusal, REPLAYED', async () => {
    const refusals = new RecentRefusals();
    const evicted = upload(id(), site(), 1, 10);
    const tc = tracingCode(evicted);
    refusals.add([
      {
        entry: { id: hex(tc), bytes: evicted, code: tc, signer: 's', seq: 1 },
        message: 'evicted: sequence number 1 was spent',
      },
    ]);
    const rpc = new RpcHandlers({
      store: ledger.store,
      mempool: new Mempool(),
      refusals,
    } as unknown as RpcDeps);
    await expect(rpc.getReceipt(tc)).rejects.toMatchObject({
      code: NodeErrorCode.Replayed,
      message: 'REPLAYED: evicted: sequence number 1 was spent',
    });
    await expect(rpc.getReceipt(new Uint8Array(32))).rejects.toMatchObject({ code: NodeErrorCode.NotFound });
    // Should a block hold it after all (proposed before the eviction), the block's record wins.
    await commit([evicted]);
    expect(await rpc.getReceipt(tc)).toMatchObject({ state: ReceiptState.Committed, result: '' });
  });
});

describe('recorded() while nothing was ever rejected', () => {
  it('answers a rejections-only lookup without reading the index', async () => {
    const chain = testChain();
    const tmp = tempDir();
    const db = new MemoryDb();
    const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
    try {
      const env = upload(chain.genesis.chainId, chain.sites[0]!, 1, 10);
      const b = certifiedBlock(chain, 1, [env]);
      await ledger.commit(b.bytes, b.decoded);
      const reads = vi.spyOn(db, 'getMany');
      expect(await ledger.store.recorded([tracingCode(env)], true)).toEqual([undefined]);
      expect(reads).not.toHaveBeenCalled();
      expect(await ledger.store.recorded([tracingCode(env)])).toEqual([
        { status: ReceiptStatus.Applied, reason: 0 },
      ]);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      await ledger.close();
      tmp.cleanup();
    }
  });
});
