import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../../../codec/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { verifyTraceBundle } from '../../../crypto/trace-bundle.js';
import { Reason } from '../../../ledger/reasons.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { ReceiptStatus, StoreErrorCode } from '../../../node/store/index.js';
import { consensusState, prepareEvidence } from './consensus-fixtures.js';
import { certifiedBlock, type TestChain, tempDir, testChain, upload } from './fixtures.js';

describe('ledger on classic-level', () => {
  let chain: TestChain;
  let tmp: ReturnType<typeof tempDir>;
  let ledger: PersistedLedger;

  beforeEach(async () => {
    chain = testChain();
    tmp = tempDir();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis);
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  const [s1, s2] = [0, 1];

  async function commitUploads(height: number, envs: Uint8Array[]) {
    const b = certifiedBlock(chain, height, envs);
    return { ...b, result: await ledger.commit(b.bytes, b.decoded) };
  }

  it('commits blocks, serves them back byte for byte, and finds envelopes by tracing code', async () => {
    const id = chain.genesis.chainId;
    const envs = [upload(id, chain.sites[s1]!, 1, 10), upload(id, chain.sites[s2]!, 1, 20)];
    const b1 = await commitUploads(1, envs);
    expect(ledger.tip()?.height).toBe(1);
    expect(ledger.tip()?.hash).toEqual(b1.hash);
    expect(await ledger.store.getBlock(1)).toEqual(b1.bytes);
    for (const env of envs) {
      const found = await ledger.store.findEnvelope(tracingCode(env));
      expect(found?.envelope).toEqual(env);
    }
    expect(b1.result.execution.receipts.map((r) => r.status)).toEqual([
      ReceiptStatus.Applied,
      ReceiptStatus.Applied,
    ]);
    expect(await ledger.store.heightOf(b1.hash)).toBe(1);
    const unknown = new Uint8Array(32).fill(9);
    expect(await ledger.store.committed([...envs.map(tracingCode), unknown])).toEqual([true, true, false]);
  });

  it('records a rejected envelope in a receipt and leaves it out of the trace index', async () => {
    const id = chain.genesis.chainId;
    const env = upload(id, chain.sites[s1]!, 1, 10);
    await commitUploads(1, [env, env]);
    const receipts = await ledger.store.receipts(1);
    expect(receipts.map((r) => [r.status, r.reason])).toEqual([
      [ReceiptStatus.Applied, 0],
      [ReceiptStatus.Rejected, Reason.SeqReplayed],
    ]);
    expect((await ledger.store.findEnvelope(tracingCode(env)))?.data.index).toBe(0);
  });

  it('builds a trace bundle that verifies offline against the validator set', async () => {
    const id = chain.genesis.chainId;
    const envs = [1, 2, 3, 4, 5].map((seq) => upload(id, chain.sites[s1]!, seq, seq));
    await commitUploads(1, envs);
    const validators = chain.validators.map((v) => v.publicKey);
    for (const env of envs) {
      const bundle = await ledger.store.traceBundle(tracingCode(env));
      const check = verifyTraceBundle(bundle, validators);
      expect(check.ok).toBe(true);
    }
    await expect(ledger.store.traceBundle(new Uint8Array(32))).rejects.toMatchObject({
      code: StoreErrorCode.NotFound,
    });
  });

  it('pages site and city+KPI queries with cursors and streams them', async () => {
    const id = chain.genesis.chainId;
    const site = chain.sites[s1]!;
    await commitUploads(
      1,
      [1, 2, 3].map((seq) => upload(id, site, seq, 100 + seq)),
    );
    await commitUploads(
      2,
      [4, 5].map((seq) => upload(id, site, seq, 100 + seq)),
    );
    const p1 = await ledger.store.bySite(site.routing.siteId, 0, 1000, { limit: 2 });
    expect(p1.items.map((i) => i.time)).toEqual([101, 102]);
    const p2 = await ledger.store.bySite(site.routing.siteId, 0, 1000, { limit: 2, cursor: p1.cursor });
    expect(p2.items.map((i) => i.time)).toEqual([103, 104]);
    const p3 = await ledger.store.bySite(site.routing.siteId, 0, 1000, { limit: 2, cursor: p2.cursor });
    expect(p3.items.map((i) => i.time)).toEqual([105]);
    expect(p3.cursor).toBeUndefined();
    const ranged = await ledger.store.bySite(site.routing.siteId, 102, 105);
    expect(ranged.items.map((i) => i.time)).toEqual([102, 103, 104]);
    const kpi = site.routing.kpiCodes[1]!;
    const all: number[] = [];
    for await (const ref of ledger.store.iterateByCityKpi(
      156,
      site.routing.city,
      kpi,
      0,
      Number.MAX_SAFE_INTEGER,
    ))
      all.push(ref.time);
    expect(all).toEqual([101, 102, 103, 104, 105]);
    const other = await ledger.store.bySite(chain.sites[s2]!.routing.siteId, 0, 1000);
    expect(other.items).toEqual([]);
    // A cursor from one query is refused by another.
    await expect(
      ledger.store.bySite(chain.sites[s2]!.routing.siteId, 0, 1000, { cursor: p1.cursor }),
    ).rejects.toMatchObject({ code: StoreErrorCode.BadQuery });
  });

  it('refuses a genesis that lists a site twice as a config error, and leaves no lock behind', async () => {
    const g = chain.genesis;
    const twice = { ...g, sites: [g.sites[0]!, g.sites[0]!] };
    const other = tempDir();
    try {
      await expect(PersistedLedger.open(other.dir, twice)).rejects.toMatchObject({
        code: NodeErrorCode.BadConfig,
        message: expect.stringContaining('sites.1: duplicate site key or address'),
      });
      // The LevelDB lock was released: the corrected genesis opens in the same process.
      const fixed = await PersistedLedger.open(other.dir, g);
      await fixed.close();
    } finally {
      other.cleanup();
    }
  });

  it('keeps everything across close and reopen, and refuses a block out of order', async () => {
    const id = chain.genesis.chainId;
    const b1 = await commitUploads(1, [upload(id, chain.sites[s1]!, 1, 1)]);
    const root = ledger.tip()?.stateRoot;
    await ledger.close();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis);
    expect(ledger.tip()?.height).toBe(1);
    expect(ledger.tip()?.stateRoot).toEqual(root);
    expect(ledger.contracts.stateRoot()).toEqual(root);
    expect(await ledger.store.getBlock(1)).toEqual(b1.bytes);
    const b3 = certifiedBlock(chain, 3, []);
    await expect(ledger.commit(b3.bytes, b3.decoded)).rejects.toMatchObject({
      code: StoreErrorCode.NotNextHeight,
    });
  });

  it('serializes overlapping commits: the next height waits, a duplicate is refused and applied once', async () => {
    const id = chain.genesis.chainId;
    const b1 = certifiedBlock(chain, 1, [upload(id, chain.sites[s1]!, 1, 1)]);
    const b2 = certifiedBlock(chain, 2, [upload(id, chain.sites[s1]!, 2, 2)]);
    const results = await Promise.allSettled([
      ledger.commit(b1.bytes, b1.decoded),
      ledger.commit(b1.bytes, b1.decoded),
      ledger.commit(b2.bytes, b2.decoded),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
      'fulfilled',
      expect.stringContaining('NOT_NEXT_HEIGHT'),
      'fulfilled',
    ]);
    expect(ledger.tip()?.height).toBe(2);
    expect((await ledger.store.receipts(2)).map((r) => r.status)).toEqual([ReceiptStatus.Applied]);
  });

  it('streams blocks by height range, and keeps the consensus state and evidence', async () => {
    const id = chain.genesis.chainId;
    const built = [];
    for (let h = 1; h <= 3; h++) built.push(await commitUploads(h, [upload(id, chain.sites[s1]!, h, h)]));
    const streamed: number[] = [];
    for await (const b of ledger.store.blocks(2)) {
      streamed.push(b.height);
      expect(b.bytes).toEqual(built[b.height - 1]!.bytes);
    }
    expect(streamed).toEqual([2, 3]);
    expect(ledger.store.consensusState()).toBeUndefined();
    await ledger.store.putConsensusState(consensusState(1));
    await ledger.store.putConsensusState(consensusState(2));
    expect(ledger.store.consensusState()).toEqual(consensusState(2));
    await ledger.store.putEvidence(Uint8Array.of(1), prepareEvidence());
    const ev: [number[], EvidenceRecord][] = [];
    for await (const [k, e] of ledger.store.evidence()) ev.push([[...k], e]);
    expect(ev).toEqual([[[1], prepareEvidence()]]);
    // Reopened: both read back from disk (the WAL file, the index).
    await ledger.close();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis);
    expect(ledger.store.consensusState()).toEqual(consensusState(2));
    expect(ledger.store.walReport).toMatchObject({ records: 2, torn: null });
    for await (const [, e] of ledger.store.evidence()) expect(e).toEqual(prepareEvidence());
  });
});
