// What a pruned node answers over RPC (node/rpc-handlers.ts): trace, GetBlock and SubscribeBlocks
// below its earliest height are a typed PRUNED (gRPC FAILED_PRECONDITION) naming that height;
// GetBlockHashProof and receipts still answer; GetStatus advertises the earliest height.
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiErrorCode, toApiError } from '../../../api/errors.js';
import { fromServiceError, toStatus } from '../../../api/status.js';
import { tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { decodeInclusionProof } from '../../../crypto/merkle-proof-codec.js';
import { verifyInclusion } from '../../../crypto/merkle-verify.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import type { RpcHandlers } from '../../../node/rpc-handlers.js';
import { MemoryDb } from '../../../node/store/index.js';
import { type BuiltBlock, certifiedBlock, tempDir, testChain, upload } from '../store/fixtures.js';
import { handlersOver } from './handlers-fixture.js';

const chain = testChain();
const id = chain.genesis.chainId;
const N = 16;
const log = LogFrontier.empty();
log.append(id);
const blocks: BuiltBlock[] = [];
const roots: Uint8Array[] = [];
for (let h = 1; h <= N; h++) {
  roots.push(log.root());
  const parentHash = blocks.at(-1)?.hash ?? id;
  const b = certifiedBlock(chain, h, [upload(id, chain.sites[0]!, h, h)], {
    parentHash,
    hashLogRoot: log.root(),
  });
  blocks.push(b);
  log.append(b.hash);
}

async function failure(p: Promise<unknown>): Promise<ReturnType<typeof toApiError> | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return toApiError(err);
  }
}

describe('RPC reads of a pruned node', () => {
  let tmp: ReturnType<typeof tempDir>;
  let ledger: PersistedLedger;
  let handlers: RpcHandlers;
  beforeEach(async () => {
    tmp = tempDir();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb(), segmentBytes: 3000 });
    for (const b of blocks) await ledger.commit(b.bytes, b.decoded);
    while ((await ledger.store.pruneStep(N)).segment !== undefined);
    handlers = handlersOver(chain, ledger, new Mempool());
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  it('answers a trace of a pruned envelope PRUNED with the earliest height', async () => {
    const earliest = ledger.store.earliestHeight();
    expect(earliest).toBeGreaterThan(2);
    const e = await failure(handlers.trace(tracingCode(blocks[0]!.decoded.block.envelopes[0]!)));
    expect(e?.code).toBe(ApiErrorCode.Pruned);
    expect(e?.grpcStatus).toBe(status.FAILED_PRECONDITION);
    expect(e?.meta).toMatchObject({ height: 1, prunedBelow: earliest });
    expect(e?.message).toContain(`below height ${earliest}`);
    // A kept one is served, and the receipt of the pruned one still is.
    expect((await handlers.trace(tracingCode(blocks[N - 1]!.decoded.block.envelopes[0]!))).height).toBe(N);
    expect((await handlers.getReceipt(tracingCode(blocks[0]!.decoded.block.envelopes[0]!))).height).toBe(1);
  });

  it('refuses GetBlock and a subscription below it, serves from it, and advertises it', async () => {
    const earliest = ledger.store.earliestHeight();
    expect((await failure(handlers.getBlock(1)))?.code).toBe(ApiErrorCode.Pruned);
    expect(await handlers.getBlock(earliest)).toEqual(blocks[earliest - 1]!.bytes);
    const ac = new AbortController();
    const it = handlers.subscribeBlocks(1, ac.signal)[Symbol.asyncIterator]();
    const refused = await failure(it.next());
    expect(refused?.code).toBe(ApiErrorCode.Pruned);
    expect(refused?.message).toContain(`subscribe from ${earliest}`);
    // Over gRPC the earliest height reaches the client as meta, for it to say so or move on.
    const s = toStatus(refused!);
    const got = fromServiceError({ ...s, message: '', name: 'Error' } as unknown as ServiceError);
    expect(got.code).toBe(ApiErrorCode.Pruned);
    expect(got.meta.earliestHeight).toBe(earliest);
    expect(got.meta.baseHeight).toBeUndefined();
    ac.abort();
    expect((await handlers.getStatus()).earliestHeight).toBe(earliest);
  });

  it('still proves every pruned block hash in the block-hash log', async () => {
    for (let h = 1; h < ledger.store.earliestHeight(); h++) {
      const p = decodeInclusionProof(await handlers.getBlockHashProof(h, N));
      expect(verifyInclusion(blocks[h - 1]!.hash, p, roots[N - 1]!)).toBe(true);
    }
  });
});
