// `bkdms verify-chain`'s walk (cli/verify-chain.ts) over gRPC against an in-process chain: a real
// store behind the node's handlers for an honest node, the api test double for a lying one; and a
// store installed at a state-sync base, walked from its base.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VerifyChainOptions, verifyChain } from '../../../cli/verify-chain.js';
import { toHex } from '../../../crypto/bytes.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb, Store } from '../../../node/store/index.js';
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

describe('verify-chain on a node that joined by state sync', () => {
  const BASE = 100;
  const refDir = tempDir();
  const tmp = tempDir();
  let synced: PersistedLedger;
  let rig: Rig;

  beforeAll(async () => {
    const ref = await PersistedLedger.open(refDir.dir, chain.genesis, { db: new MemoryDb() });
    for (const b of honest.blocks.slice(0, BASE)) await ref.commit(b.bytes, b.decoded);
    const frontier = LogFrontier.empty();
    frontier.append(chain.genesis.chainId);
    for (const b of honest.blocks.slice(0, BASE)) frontier.append(b.hash);
    const db = new MemoryDb();
    await Store.installBase(
      tmp.dir,
      {
        height: BASE,
        header: headerBytesOf(honest.blocks[BASE - 1]!).header,
        certificate: headerBytesOf(honest.blocks[BASE - 1]!).certificate,
        stateRoot: (await ref.store.stateRoot(BASE)) as Uint8Array,
        entries: ref.contracts.state.entries(),
        hashLogFrontier: frontier.subtrees,
        hashLogRoot: honest.roots[BASE]!,
      },
      { db: db.reopen() },
    );
    await ref.close();
    synced = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    for (const b of honest.blocks.slice(BASE)) await synced.commit(b.bytes, b.decoded);
    rig = await startRig();
    serveHashLog(rig.node, synced.store);
  });
  afterAll(async () => {
    await rig.close();
    await synced.close();
    tmp.cleanup();
    refDir.cleanup();
  });

  it('walks from the base, checked against the genesis set, and names the base', async () => {
    const r = await verifyChain(rig.client, opts);
    expect(r).toMatchObject({ ok: true, base: BASE, from: BASE, to: N, tip: N, verified: N - BASE + 1 });
    expect(r.logRoot).toBe(toHex(honest.roots[N]!));
    expect(r.trust.join('\n')).toContain(`state sync at base ${BASE}`);
    // --from at or just above the base starts there too; higher, the usual anchored walk.
    expect(await verifyChain(rig.client, { ...opts, from: BASE + 2 })).toMatchObject({
      ok: true,
      from: BASE,
    });
    expect(await verifyChain(rig.client, { ...opts, from: BASE + 3 })).toMatchObject({
      ok: true,
      from: BASE + 3,
      to: N,
    });
  });

  it('refuses a base header without a quorum, and a frontier the next header does not carry', async () => {
    const realHeaders = rig.node.getHeaders;
    const unsigned = linkedChain(chain, BASE, (h) =>
      h === BASE ? { signers: chain.validators.slice(0, 2) } : {},
    );
    rig.node.getHeaders = async (q) =>
      q.fromHeight === BASE && q.toHeight === BASE
        ? { headers: [headerBytesOf(unsigned.blocks[BASE - 1]!)], nextHeight: 0, tip: N }
        : realHeaders(q);
    try {
      await expect(verifyChain(rig.client, opts)).rejects.toMatchObject({ code: 'VERIFICATION_FAILED' });
    } finally {
      rig.node.getHeaders = realHeaders;
    }
    const realProof = rig.node.getBlockHashProof;
    rig.node.getBlockHashProof = async (h, at) => {
      const p = await realProof(h, at);
      p[p.length - 1]! ^= 1;
      return p;
    };
    try {
      const r = await verifyChain(rig.client, opts);
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ height: BASE + 1, check: 'HASH_LOG_ROOT' });
    } finally {
      rig.node.getBlockHashProof = realProof;
    }
  });
});
