// `bkdms verify-chain`'s walk (cli/verify-chain.ts) over gRPC against an in-process chain: a real
// store behind the node's handlers for an honest node, the api test double for a lying one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VerifyChainOptions, verifyChain } from '../../../cli/verify-chain.js';
import { toHex } from '../../../crypto/bytes.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../node/store/index.js';
import { type Rig, serveHashLog, startRig } from '../api/harness.js';
import { headerBytesOf, linkedChain, tempDir, testChain } from '../store/fixtures.js';

const chain = testChain();
const N = 300;
const honest = linkedChain(chain, N);
const keys = chain.validators.map((v) => v.publicKey);
const opts: VerifyChainOptions = {
  chain: {
    chainId: chain.genesis.chainId,
    validatorKeys: keys,
    genesisTime: chain.genesis.genesisTime,
  },
};

describe('verify-chain', () => {
  const tmp = tempDir();
  let ledger: PersistedLedger;
  let rig: Rig;

  beforeAll(async () => {
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    for (const b of honest.blocks) await ledger.commit(b.bytes, b.decoded);
    rig = await startRig();
    serveHashLog(rig.node, ledger.store);
  });
  afterAll(async () => {
    await rig.close();
    await ledger.close();
    tmp.cleanup();
  });

  it("verifies an honest node's whole chain over several pages, with progress", async () => {
    const lines: string[] = [];
    const r = await verifyChain(rig.client, { ...opts, progress: (l) => lines.push(l), progressEvery: 100 });
    expect(r).toMatchObject({ ok: true, from: 1, to: N, tip: N, verified: N, firstBad: null });
    expect(r.logRoot).toBe(toHex(honest.roots[N]!));
    expect(lines).toEqual(['verified 256 of 300 headers']); // one line per page of 256
  });

  it('walks a range anchored at the certified header below --from', async () => {
    for (const from of [2, 3, 129, 257]) {
      const r = await verifyChain(rig.client, { ...opts, from, to: 280 });
      expect(r).toMatchObject({ ok: true, from, to: 280, verified: 281 - from });
      expect(r.logRoot).toBe(toHex(honest.roots[280]!));
    }
  });

  it('refuses an anchor whose parent proof does not lead to its log root', async () => {
    const real = rig.node.getBlockHashProof;
    rig.node.getBlockHashProof = async (h, at) => {
      const p = await real(h, at);
      p[p.length - 1]! ^= 1; // the last hash of the path
      return p;
    };
    try {
      await expect(verifyChain(rig.client, { ...opts, from: 100 })).rejects.toMatchObject({
        code: 'VERIFICATION_FAILED',
        meta: { check: 'NOT_INCLUDED' },
      });
    } finally {
      rig.node.getBlockHashProof = real;
    }
  });

  it('reports the first bad height and why for a node serving a forked log or a bad certificate', async () => {
    const liar = await startRig();
    try {
      const forked = linkedChain(chain, 40, (h) => (h === 33 ? { hashLogRoot: honest.roots[31] } : {}));
      liar.node.headers.push(...forked.blocks.map(headerBytesOf));
      const r = await verifyChain(liar.client, opts);
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ height: 33, check: 'HASH_LOG_ROOT' });
      expect(r.to).toBe(32);
      liar.node.headers.length = 0;
      const unsigned = linkedChain(chain, 10, (h) =>
        h === 6 ? { signers: chain.validators.slice(0, 2) } : {},
      );
      liar.node.headers.push(...unsigned.blocks.map(headerBytesOf));
      expect((await verifyChain(liar.client, opts)).firstBad).toMatchObject({
        height: 6,
        check: 'NO_QUORUM',
      });
    } finally {
      await liar.close();
    }
  });
});
