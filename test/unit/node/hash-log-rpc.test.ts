// GetHeaders, GetConsistencyProof and GetBlockHashProof end to end in one process: a real grpc-js
// server whose three handlers are the node's (node/hash-log-rpc.ts) over a store holding a real
// chain, and the typed client that verifies what it gets against certified headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import type { VerifiedHeader } from '../../../api/hash-log-verify.js';
import { genesisValidators, HeaderChainVerifier } from '../../../api/header-chain.js';
import { MAX_HEADERS_PAGE } from '../../../api/limits.js';
import type { CertifiedHeaderBytes } from '../../../api/types.js';
import { encodeConsistencyProof } from '../../../crypto/merkle-proof-codec.js';
import { headersPage } from '../../../node/hash-log-rpc.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../node/store/index.js';
import { type Rig, serveHashLog, startRig } from '../api/harness.js';
import { linkedChain, tempDir, testChain } from '../store/fixtures.js';

const chain = testChain();
const N = 40;
const { blocks } = linkedChain(chain, N);
const keys = chain.validators.map((v) => v.publicKey);

describe('block-hash log RPCs over a real store', () => {
  const tmp = tempDir();
  let ledger: PersistedLedger;
  let rig: Rig;
  const verified: VerifiedHeader[] = [];

  beforeAll(async () => {
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    for (const b of blocks) await ledger.commit(b.bytes, b.decoded);
    rig = await startRig();
    serveHashLog(rig.node, ledger.store);
  });
  afterAll(async () => {
    await rig.close();
    await ledger.close();
    tmp.cleanup();
  });

  it('GetHeaders pages through the chain; the headers verify from genesis', async () => {
    const v = new HeaderChainVerifier({
      chainId: chain.genesis.chainId,
      validators: genesisValidators(keys),
    });
    let from = 1;
    let pages = 0;
    while (from !== 0) {
      const page = await rig.client.getHeaders({ fromHeight: from, maxCount: 16 });
      expect(page.tip).toBe(N);
      expect(page.headers.length).toBeLessThanOrEqual(16);
      for (const h of page.headers) {
        const r = v.push(h as CertifiedHeaderBytes);
        expect(r.ok).toBe(true);
        if (r.ok) verified.push(r.verified);
      }
      from = page.nextHeight;
      pages++;
    }
    expect(pages).toBe(3);
    expect(v.height).toBe(N);
    const upTo = await rig.client.getHeaders({ fromHeight: 38, toHeight: 39 });
    expect(upTo.headers.map((h) => h.height)).toEqual([38, 39]);
    expect(upTo.nextHeight).toBe(0);
  });

  it('consistency proofs between certified headers verify; a proof for another pair is refused', async () => {
    const at = (h: number) => verified[h - 1]!.header;
    for (const [a, b] of [
      [1, 1],
      [1, 40],
      [7, 8],
      [13, 32],
      [31, 33],
    ] as const) {
      const p = await rig.client.consistencyProofVerified(at(a), at(b));
      expect([p.firstSize, p.secondSize]).toEqual([a, b]);
    }
    // A node answering with a genuine proof of other sizes, or one that does not lead to the roots.
    const real = rig.node.getConsistencyProof;
    rig.node.getConsistencyProof = async () =>
      encodeConsistencyProof(await ledger.store.hashLogConsistency(5, 20));
    await expect(rig.client.consistencyProofVerified(at(6), at(20))).rejects.toMatchObject({
      code: ApiErrorCode.VerificationFailed,
      meta: { check: 'WRONG_SIZES' },
    });
    rig.node.getConsistencyProof = async (a, b) => {
      const p = await ledger.store.hashLogConsistency(a, b);
      p.path[0] = new Uint8Array(32).fill(7);
      return encodeConsistencyProof(p);
    };
    await expect(rig.client.consistencyProofVerified(at(6), at(20))).rejects.toMatchObject({
      meta: { check: 'INCONSISTENT' },
    });
    rig.node.getConsistencyProof = real;
  });

  it("a block's hash is proven in a later header's log, the genesis hash included", async () => {
    const at = verified[N - 1]!.header;
    for (const h of [1, 2, 17, 39]) {
      const p = await rig.client.blockHashProofVerified(h, verified[h - 1]!.blockHash, at);
      expect(p.leafIndex).toBe(h);
    }
    await rig.client.blockHashProofVerified(0, chain.genesis.chainId, at);
    await expect(rig.client.blockHashProofVerified(3, verified[3]!.blockHash, at)).rejects.toMatchObject({
      meta: { check: 'NOT_INCLUDED' },
    });
  });

  it('refuses ranges out of shape (INVALID_ARGUMENT) and above the tip (NOT_FOUND)', async () => {
    const head = (height: number) => ({ height, hashLogRoot: new Uint8Array(32) });
    const cases: [Promise<unknown>, ApiErrorCode][] = [
      [rig.client.getHeaders({ fromHeight: 0 }), ApiErrorCode.InvalidArgument],
      [rig.client.getHeaders({ fromHeight: 5, toHeight: 4 }), ApiErrorCode.InvalidArgument],
      [
        rig.client.getHeaders({ fromHeight: 1, maxCount: MAX_HEADERS_PAGE + 1 }),
        ApiErrorCode.InvalidArgument,
      ],
      [rig.client.getHeaders({ fromHeight: N + 1 }), ApiErrorCode.NotFound],
      [rig.client.consistencyProofVerified(head(5), head(4)), ApiErrorCode.InvalidArgument],
      [rig.client.consistencyProofVerified(head(0), head(4)), ApiErrorCode.InvalidArgument],
      [rig.client.consistencyProofVerified(head(5), head(N + 1)), ApiErrorCode.NotFound],
      [rig.client.blockHashProofVerified(5, new Uint8Array(32), head(5)), ApiErrorCode.InvalidArgument],
      [rig.client.blockHashProofVerified(5, new Uint8Array(32), head(N + 1)), ApiErrorCode.NotFound],
    ];
    for (const [call, code] of cases) await expect(call).rejects.toMatchObject({ code });
  });

  it('a page stops before its byte budget, always with at least one header', async () => {
    const big = new Uint8Array(300 * 1024);
    const store = {
      tip: () => ({ height: 100 }) as never,
      getHeader: async () => new Uint8Array(223),
      getCertificate: async () => big,
      hashLogConsistency: () => Promise.reject(new Error('unused')),
      hashLogInclusion: () => Promise.reject(new Error('unused')),
    };
    const page = await headersPage(store, { fromHeight: 10, toHeight: 100, maxCount: 256 });
    expect(page.headers.map((h) => h.height)).toEqual([10, 11, 12]);
    expect(page.nextHeight).toBe(13);
  });
});
