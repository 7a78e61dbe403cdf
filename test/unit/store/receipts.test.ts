// Every executed envelope's receipt is found by tracing code (issue 5 §2), applied or rejected,
// while the trace index, proofs, queries and "already committed" keep meaning applied only. Also
// the GetReceipt RPC handler on top of it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceiptState } from '../../../api/types.js';
import type { GovernanceAction } from '../../../codec/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { Reason } from '../../../ledger/reasons.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { Mempool } from '../../../node/mempool.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { type RpcDeps, RpcHandlers } from '../../../node/rpc-handlers.js';
import { ReceiptStatus, StoreErrorCode } from '../../../node/store/index.js';
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
    mempool.add({ id: Buffer.from(tc).toString('hex'), bytes: pending, signer: 's', seq: 3 });
    expect(await rpc.getReceipt(tc)).toMatchObject({ state: ReceiptState.Pending, height: 0 });
  });
});
