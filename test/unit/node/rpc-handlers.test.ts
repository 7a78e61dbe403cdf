// The node's RPC handlers against a real ledger (in-memory index, block log in a temp dir):
// paginated site and city queries, their typed errors, GetStatus and GetBlock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiErrorCode, toApiError } from '../../../api/errors.js';
import { type CityQuery, type QueryItem, type SiteQuery, SyncState } from '../../../api/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { hex } from '../../../node/admission/admission.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import type { RpcHandlers } from '../../../node/rpc-handlers.js';
import { u64 } from '../../../node/store/buckets.js';
import { MemoryDb } from '../../../node/store/index.js';
import { siteRange } from '../../../node/store/queries.js';
import {
  certifiedBlock,
  KPIS,
  type TestChain,
  type TestSite,
  tempDir,
  testChain,
  upload,
} from '../store/fixtures.js';
import { handlersOver } from './handlers-fixture.js';

const NONE: Uint8Array = new Uint8Array(0);

/** The reason the server would send for what `p` throws ('ok' when it resolves). */
async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return toApiError(err).code;
  }
}

describe('RPC handlers', () => {
  let chain: TestChain;
  let tmp: ReturnType<typeof tempDir>;
  let ledger: PersistedLedger;
  let handlers: RpcHandlers;
  let mempool: Mempool;
  let catchingUp: boolean;
  let s1: TestSite;
  let s2: TestSite;

  beforeEach(async () => {
    chain = testChain();
    [s1, s2] = [chain.sites[0]!, chain.sites[1]!];
    tmp = tempDir();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    mempool = new Mempool();
    catchingUp = false;
    handlers = handlersOver(chain, ledger, mempool, () => ({
      chainId: chain.genesis.chainId,
      view: 2,
      primary: 1,
      validators: chain.validators.map((v) => v.publicKey),
      peers: ['a', 'b'],
      selfIndex: 0,
      catchingUp,
    }));
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  /** Envelopes as [site, seq, time, KPI codes]; times deliberately out of commit order. */
  type Spec = [TestSite, number, number, number[]?];
  type Landed = { env: Uint8Array; height: number; index: number };
  /** Commits one block per list; returns where each envelope landed, by tracing code (hex). */
  async function commit(blocks: Spec[][]): Promise<Map<string, Landed>> {
    const where = new Map<string, Landed>();
    for (const [i, specs] of blocks.entries()) {
      const height = i + 1;
      const envs = specs.map(([s, seq, time, kpiCodes]) =>
        upload(chain.genesis.chainId, s, seq, time, kpiCodes === undefined ? {} : { kpiCodes }),
      );
      const b = certifiedBlock(chain, height, envs);
      await ledger.commit(b.bytes, b.decoded);
      for (const [index, env] of envs.entries()) where.set(hex(tracingCode(env)), { env, height, index });
    }
    return where;
  }

  const chainOfBlocks = (): Spec[][] => [
    [
      [s1, 1, 500],
      [s1, 2, 100],
      [s2, 1, 300],
    ],
    [
      [s1, 3, 50, [KPIS[1]!]],
      [s2, 2, 700],
      [s1, 4, 400],
    ],
    [
      [s1, 5, 900],
      [s1, 6, 200],
      [s2, 3, 600, [KPIS[1]!]],
    ],
  ];

  const siteQuery = (s: TestSite, over: Partial<SiteQuery> = {}): SiteQuery => ({
    siteKeyId: keyIdOf(s.key.publicKey),
    fromTime: 0,
    toTime: Number.MAX_SAFE_INTEGER,
    pageSize: 2,
    cursor: NONE,
    ...over,
  });
  const cityQuery = (over: Partial<CityQuery> = {}): CityQuery => ({
    country: 156,
    city: s1.routing.city,
    kpiCode: KPIS[0]!,
    fromTime: 0,
    toTime: Number.MAX_SAFE_INTEGER,
    pageSize: 2,
    cursor: NONE,
    ...over,
  });

  /** Follows next cursors from the first page to the last; every page within the page size. */
  async function allPages(
    page: (cursor: Uint8Array) => Promise<{ items: QueryItem[]; nextCursor: Uint8Array }>,
  ) {
    const items: QueryItem[] = [];
    let cursor = NONE;
    let pages = 0;
    do {
      const p = await page(cursor);
      expect(p.items.length).toBeLessThanOrEqual(2);
      items.push(...p.items);
      cursor = p.nextCursor;
      pages++;
    } while (cursor.length > 0 && pages < 100);
    return { items, pages };
  }

  it('pages a site query across blocks: every envelope once, in time order, with where it is', async () => {
    const where = await commit(chainOfBlocks());
    const { items, pages } = await allPages((cursor) => handlers.queryBySite(siteQuery(s1, { cursor })));
    expect(items.map((i) => i.time)).toEqual([50, 100, 200, 400, 500, 900]);
    expect(pages).toBe(3);
    for (const item of items) {
      const w = where.get(hex(item.tracingCode))!;
      expect([item.height, item.index]).toEqual([w.height, w.index]);
      expect(item.envelope).toEqual(w.env);
    }
    expect(new Set(items.map((i) => hex(i.tracingCode))).size).toBe(items.length);
  });

  it('treats the time range as inclusive at both ends', async () => {
    await commit(chainOfBlocks());
    const page = await handlers.queryBySite(siteQuery(s1, { fromTime: 100, toTime: 400, pageSize: 10 }));
    expect(page.items.map((i) => i.time)).toEqual([100, 200, 400]);
    expect(page.nextCursor).toEqual(NONE);
    const city = await handlers.queryByCity(cityQuery({ fromTime: 300, toTime: 300 }));
    expect(city.items.map((i) => i.time)).toEqual([300]);
  });

  it('pages a city query over every site of the city, by KPI', async () => {
    await commit(chainOfBlocks());
    const first = await allPages((cursor) => handlers.queryByCity(cityQuery({ cursor })));
    // Envelopes that carry KPIS[0]: all but the two routed to KPIS[1] only.
    expect(first.items.map((i) => i.time)).toEqual([100, 200, 300, 400, 500, 700, 900]);
    const second = await allPages((cursor) => handlers.queryByCity(cityQuery({ kpiCode: KPIS[1]!, cursor })));
    expect(second.items.map((i) => i.time)).toEqual([50, 100, 200, 300, 400, 500, 600, 700, 900]);
    const elsewhere = await handlers.queryByCity(
      cityQuery({ city: { scheme: s1.routing.city.scheme, code: 'CNPEK' } }),
    );
    expect(elsewhere).toEqual({ items: [], nextCursor: NONE });
  });

  it('refuses an unknown site and cursors not issued for the query with their typed reasons', async () => {
    await commit(chainOfBlocks());
    expect(await reason(handlers.queryBySite(siteQuery(s1, { siteKeyId: new Uint8Array(16).fill(3) })))).toBe(
      ApiErrorCode.NotFound,
    );
    const s2page = await handlers.queryBySite(siteQuery(s2));
    expect(s2page.nextCursor.length).toBeGreaterThan(0);
    expect(await reason(handlers.queryBySite(siteQuery(s1, { cursor: s2page.nextCursor })))).toBe(
      ApiErrorCode.BadCursor,
    );
    expect(await reason(handlers.queryByCity(cityQuery({ cursor: s2page.nextCursor })))).toBe(
      ApiErrorCode.BadCursor,
    );
    const garbage = Uint8Array.of(0xff, 0xfe, 0x21);
    expect(await reason(handlers.queryBySite(siteQuery(s1, { cursor: garbage })))).toBe(
      ApiErrorCode.BadCursor,
    );
    // A cursor of the same query outside a narrower time range is refused too.
    const page = await handlers.queryBySite(siteQuery(s1));
    expect(
      await reason(handlers.queryBySite(siteQuery(s1, { fromTime: 600, cursor: page.nextCursor }))),
    ).toBe(ApiErrorCode.BadCursor);
  });

  it('refuses a cursor the node did not issue, even one naming a key inside the query', async () => {
    await commit(chainOfBlocks());
    // An index key of this very query, in the store's own cursor form: a client that forges it
    // would jump past entries (here to time 450, skipping 50..400) if the node trusted it.
    const key = new Uint8Array([
      ...siteRange(s1.routing.siteId, 0, 1).prefix,
      ...u64(450),
      ...new Uint8Array(32),
    ]);
    const forged = new TextEncoder().encode(Buffer.from(key).toString('base64url'));
    expect(await reason(handlers.queryBySite(siteQuery(s1, { cursor: forged })))).toBe(
      ApiErrorCode.BadCursor,
    );
    // A genuine cursor with any one byte changed is refused; the genuine one still pages on.
    const page = await handlers.queryBySite(siteQuery(s1));
    for (let i = 0; i < page.nextCursor.length; i++) {
      const tampered = page.nextCursor.slice();
      tampered[i]! ^= 0x01;
      expect(await reason(handlers.queryBySite(siteQuery(s1, { cursor: tampered })))).toBe(
        ApiErrorCode.BadCursor,
      );
    }
    const next = await handlers.queryBySite(siteQuery(s1, { cursor: page.nextCursor }));
    expect(next.items.map((i) => i.time)).toEqual([200, 400]);
  });

  it('reports status from the tip, the mempool and the consensus view', async () => {
    const before = await handlers.getStatus();
    expect(before).toMatchObject({ height: 0, view: 2, primary: 1, selfIndex: 0, peers: ['a', 'b'] });
    expect(before.lastBlockHash).toEqual(chain.genesis.chainId);
    expect(before.syncState).toBe(SyncState.Synced);
    await commit(chainOfBlocks().slice(0, 2));
    const [r] = await handlers.uploadBatch([upload(chain.genesis.chainId, s1, 10, 10)], { peer: 'test' });
    expect(r!.reason).toBe('');
    catchingUp = true;
    const after = await handlers.getStatus();
    expect(after).toMatchObject({ height: 2, mempoolEnvelopes: 1, syncState: SyncState.CatchingUp });
    expect(after.lastBlockHash).toEqual(ledger.tip()!.hash);
    expect(after.mempoolBytes).toBe(mempool.byteSize);
    expect(after.validators).toEqual(chain.validators.map((v) => v.publicKey));
  });

  it('serves committed blocks byte for byte and NOT_FOUND outside 1..tip', async () => {
    await commit(chainOfBlocks().slice(0, 2));
    expect(await handlers.getBlock(2)).toEqual(await ledger.store.getBlock(2));
    expect(await reason(handlers.getBlock(0))).toBe(ApiErrorCode.NotFound);
    expect(await reason(handlers.getBlock(3))).toBe(ApiErrorCode.NotFound);
  });
});
