import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { certifiedBlockBlockBytes } from '../../../codec/certificate.js';
import { envelopePacket } from '../../../codec/envelope-view.js';
import { decodeStorageRecord } from '../../../codec/storage-record.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import type { ChainSource } from '../../../platform/chain-source.js';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { Extractor } from '../../../platform/extractor.js';
import { hex } from '../../../platform/hex.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import { MemoryDb } from '../../../platform/sql-pglite-memory.js';
import { checkCodeMatches } from '../../../platform/storage-record.js';
import { PlatformStore } from '../../../platform/store.js';
import {
  bytes,
  ELECTRICITY,
  entry,
  FakeChain,
  genesis,
  HOUR,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
  validatorKeys,
} from './fixture.js';
import { crashing, WARM_UP } from './sql-fakes.js';

const URL = 'bkdms://test-chain';

async function extractor(store = PlatformStore.memory()): Promise<{ ex: Extractor; store: PlatformStore }> {
  return { ex: await Extractor.open(store, genesis, new PacketOpener([scpKey]), URL), store };
}

async function all(store: PlatformStore) {
  const out = [];
  for await (const p of store.packets()) out.push(p);
  return out;
}

function twoBlocks(chain: FakeChain): Uint8Array[] {
  const envs = [
    upload(siteA, 1, record(siteA, T0, [entry(UNEMPLOYMENT, 4.2)])),
    upload(siteB, 1, record(siteB, T0, [entry(UNEMPLOYMENT, 5.1), entry(ELECTRICITY, 99.5)])),
    upload(siteA, 2, record(siteA, T0 + HOUR, [entry(UNEMPLOYMENT, 4.3)])),
  ];
  chain.append(envs.slice(0, 2));
  chain.append(envs.slice(2));
  return envs;
}

beforeAll(...WARM_UP);

describe('extractor', () => {
  it('writes one verified Table 10-3 record per packet, with the decrypted values', async () => {
    const chain = new FakeChain();
    const envs = twoBlocks(chain);
    const { ex, store } = await extractor();
    await ex.follow(chain);
    expect(ex.height).toBe(2);
    const packets = await all(store);
    expect(packets.map((p) => p.meta.tracingCode)).toEqual(envs.map((e) => hex(tracingCode(e))));
    const block1 = chain.built[0]!.certifiedBlock;
    for (const [i, p] of packets.entries()) {
      expect(checkCodeMatches(p.storage)).toBe(true);
      const rec = decodeStorageRecord(p.storage);
      expect(rec.chainUrl).toBe(URL);
      expect(hex(rec.tracingCode)).toBe(p.meta.tracingCode);
      expect(rec.cityData).toEqual(envelopePacket(envs[i]!));
      const certified = chain.built[rec.data.height - 1]!.certifiedBlock;
      const inBlock = certifiedBlockBlockBytes(certified).subarray(
        rec.data.offset,
        rec.data.offset + rec.data.length,
      );
      expect(inBlock).toEqual(envs[i]);
      // The block recorder locates the certified block in the chain's byte stream.
      expect(rec.block).toEqual(
        rec.data.height === 1
          ? { segment: 0, offset: 0, length: block1.length }
          : { segment: 0, offset: block1.length, length: certified.length },
      );
    }
    expect(packets.map((p) => (p.outcome.ok ? p.outcome.record.entries.map((e) => e.value) : []))).toEqual([
      [4.2],
      [5.1, 99.5],
      [4.3],
    ]);
    expect(await store.packet(packets[1]!.meta.tracingCode)).toEqual(packets[1]);
  });

  it('refuses a block whose certificate lacks a quorum, or is signed by strangers, and writes nothing', async () => {
    const chain = new FakeChain();
    chain.append([upload(siteA, 1, record(siteA, T0, [entry(UNEMPLOYMENT, 4.2)]))], [0, 1]);
    const stranger = new FakeChain([0, 1, 2, 3].map((i) => ed25519FromSeed(bytes(32, 0x90 + i))));
    stranger.append([upload(siteA, 1, record(siteA, T0, [entry(UNEMPLOYMENT, 4.2)]))]);
    const { ex, store } = await extractor();
    for (const bad of [chain, stranger]) {
      const err = await ex.apply(1, bad.built[0]!.certifiedBlock).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as PlatformError).code).toBe(PlatformErrorCode.BadBlock);
    }
    expect((await extractor()).ex.height).toBe(0);
    expect(await store.checkpoint()).toBeUndefined();
    expect(await all(store)).toEqual([]);
  });

  it('refuses a block that does not link to the previous one', async () => {
    const chain = new FakeChain();
    twoBlocks(chain);
    const other = new FakeChain();
    other.append([]);
    other.append([]); // height 2 whose parent is another block 1
    const { ex } = await extractor();
    await ex.apply(1, chain.built[0]!.certifiedBlock);
    await expect(ex.apply(2, other.built[1]!.certifiedBlock)).rejects.toThrow(/PARENT_MISMATCH/);
    await expect(ex.apply(3, chain.built[1]!.certifiedBlock)).rejects.toThrow(PlatformError);
    await ex.apply(2, chain.built[1]!.certifiedBlock);
    expect(ex.height).toBe(2);
  });

  it('refuses a certified block whose block-hash log root is not the log of the blocks before it', async () => {
    const chain = new FakeChain();
    chain.append([]);
    chain.append([], [0, 1, 2], undefined, undefined, bytes(32, 0x42));
    const { ex, store } = await extractor();
    await ex.apply(1, chain.built[0]!.certifiedBlock);
    await expect(ex.apply(2, chain.built[1]!.certifiedBlock)).rejects.toThrow(/HASH_LOG_ROOT/);
    expect(ex.height).toBe(1);
    expect((await store.checkpoint())?.hashLog).toHaveLength(1); // two leaves: one perfect subtree
  });

  it('resumes after any crashes mid-stream with no gap and no duplicate', async () => {
    const chain = new FakeChain();
    for (let h = 1; h <= 6; h++)
      chain.append([
        upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, h)])),
        upload(siteB, h, record(siteB, T0 + h * HOUR, [entry(UNEMPLOYMENT, h)])),
      ]);
    const clean = await extractor();
    await clean.ex.follow(chain);
    const expected = await all(clean.store);
    expect(expected.map((p) => `${p.meta.height}/${p.meta.index}`)).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((h) => [`${h}/0`, `${h}/1`]),
    );
    // Any sequence of crashes, each killing the n-th block write after a restart, then a clean run.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }), async (crashes) => {
        const inner = new MemoryDb();
        for (const at of crashes) {
          // The at-th block written after this restart fails just before its cursor update.
          const db = crashing(inner, { fails: (n) => n === at });
          const before = (await new PlatformStore(inner).checkpoint())?.height ?? 0;
          const run = await extractor(new PlatformStore(db));
          const outcome = await run.ex.follow(chain).catch((e: Error) => e.message);
          expect(outcome).toEqual(before + at <= 6 ? expect.stringMatching(/crash/) : undefined);
          expect(run.ex.height).toBe(Math.min(6, before + at - 1));
          expect((await new PlatformStore(inner).checkpoint())?.height ?? 0).toBe(run.ex.height);
        }
        const last = await extractor(new PlatformStore(inner));
        await last.ex.follow(chain);
        expect(await all(last.store)).toEqual(expected);
        await inner.close();
      }),
      { numRuns: 6 },
    );
  });

  it('prepares the next block while the previous one is written, and stores the blocks in order', async () => {
    const chain = new FakeChain();
    twoBlocks(chain);
    const { ex, store } = await extractor();
    const events: string[] = [];
    let fetched2: () => void = () => {};
    const asked2 = new Promise<void>((r) => {
      fetched2 = r;
    });
    const commit = store.commit.bind(store);
    store.commit = async (batch) => {
      const h = batch.checkpoint.height;
      events.push(`write ${h}`);
      // Block 1's write waits until block 2 was taken from the source (bounded: without the
      // pipeline that never happens before this write ends, and the order below shows it).
      if (h === 1) await Promise.race([asked2, new Promise((r) => setTimeout(r, 3_000))]);
      await commit(batch);
      events.push(`stored ${h}`);
    };
    const source: ChainSource = {
      getBlock: (h) => chain.getBlock(h),
      trace: (tc) => chain.trace(tc),
      async *blocks(from: number) {
        for await (const b of chain.blocks(from)) {
          events.push(`fetch ${b.height}`);
          if (b.height === 2) fetched2();
          yield b;
        }
      },
    };
    await ex.follow(source, undefined, (s) => events.push(`done ${s.height}`));
    expect(events).toEqual([
      'fetch 1',
      'write 1',
      'fetch 2',
      'stored 1',
      'done 1',
      'write 2',
      'stored 2',
      'done 2',
    ]);
    expect(ex.height).toBe(2);
    expect((await all(store)).map((p) => p.meta.height)).toEqual([1, 1, 2]);
  });

  it('accepts any quorum of the genesis validator set', async () => {
    const chain = new FakeChain();
    chain.append([], [1, 2, 3]);
    const { ex } = await extractor();
    await ex.apply(1, chain.built[0]!.certifiedBlock);
    expect(ex.chain.validatorsAt(1)).toEqual(validatorKeys.map((k) => k.publicKey));
  });
});
