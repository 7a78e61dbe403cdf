// Which waiting envelopes can never be applied once a block is applied (another envelope spent
// their signer's sequence number, or the window moved past it), checked against a real ledger's
// contract state; and the bounded memory of why this node dropped them (GetReceipt's answer).
import { afterEach, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../../crypto/hash.js';
import { keyIdOf } from '../../../../crypto/key-id.js';
import { SEQ_WINDOW } from '../../../../ledger/seq-window.js';
import { hex } from '../../../../node/admission/admission.js';
import {
  type Eviction,
  RecentRefusals,
  seqCheckOf,
  spentAmong,
  supersededBy,
} from '../../../../node/admission/evictions.js';
import { Mempool, type MempoolEntry } from '../../../../node/chain/mempool.js';
import { NodeErrorCode } from '../../../../node/errors.js';
import { PersistedLedger } from '../../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../../node/store/index.js';
import { certifiedBlock, type TestSite, tempDir, testChain, upload } from '../../store/fixtures.js';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

async function setup() {
  const chain = testChain();
  const tmp = tempDir();
  dirs.push(tmp);
  const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
  const mempool = new Mempool();
  const entryOf = (s: TestSite, env: Uint8Array, seq: number): MempoolEntry => ({
    id: hex(tracingCode(env)),
    bytes: env,
    code: tracingCode(env),
    signer: hex(keyIdOf(s.key.publicKey)),
    seq,
  });
  let height = 0;
  /** Commits a block; returns its envelopes' ids, as the driver computes them. */
  const commit = async (envs: Uint8Array[]) => {
    const b = certifiedBlock(chain, ++height, envs);
    await ledger.commit(b.bytes, b.decoded);
    const ids = envs.map((e) => hex(tracingCode(e)));
    mempool.remove(ids);
    return ids;
  };
  return { chain, ledger, mempool, entryOf, commit, check: seqCheckOf(ledger.contracts) };
}

const t = Date.parse('2026-01-01T00:01:00Z');

describe('supersededBy', () => {
  it('finds the other envelope with a sequence number the block applied, and only that one', async () => {
    const { chain, mempool, entryOf, commit, check } = await setup();
    const [s1, s2] = chain.sites as [TestSite, TestSite];
    const winner = upload(chain.genesis.chainId, s1, 1, t);
    const loser = upload(chain.genesis.chainId, s1, 1, t + 1);
    const next = upload(chain.genesis.chainId, s1, 2, t + 2);
    const other = upload(chain.genesis.chainId, s2, 1, t + 3);
    for (const [env, seq] of [
      [loser, 1],
      [next, 2],
    ] as const)
      expect(mempool.add(entryOf(s1, env, seq))).toBe('added');
    mempool.add(entryOf(s2, other, 1));
    const ids = await commit([winner]);
    const found = supersededBy(mempool, [winner], ids, 1, check);
    expect(found.map((e) => e.entry.id)).toEqual([hex(tracingCode(loser))]);
    expect(found[0]!.message).toBe(`evicted: sequence number 1 was spent by envelope ${ids[0]} in block 1`);
  });

  it('keeps a waiting envelope whose sequence number the block left unspent (refused at execution)', async () => {
    const { chain, mempool, entryOf, commit, check } = await setup();
    const s1 = chain.sites[0]!;
    // Routed to another country: refused when the block executes, sequence number 1 unspent.
    const refused = upload(chain.genesis.chainId, s1, 1, t, { country: 250 });
    const waiting = upload(chain.genesis.chainId, s1, 1, t + 1);
    mempool.add(entryOf(s1, waiting, 1));
    const ids = await commit([refused]);
    expect(supersededBy(mempool, [refused], ids, 1, check)).toEqual([]);
  });
});

describe('spentAmong', () => {
  it('names the entries whose sequence number the signer window has spent or passed', async () => {
    const { chain, entryOf, commit, check } = await setup();
    const s1 = chain.sites[0]!;
    const old = entryOf(s1, upload(chain.genesis.chainId, s1, 1, t), 1);
    const taken = entryOf(s1, upload(chain.genesis.chainId, s1, SEQ_WINDOW + 5, t + 1), SEQ_WINDOW + 5);
    const fresh = entryOf(s1, upload(chain.genesis.chainId, s1, SEQ_WINDOW + 6, t + 2), SEQ_WINDOW + 6);
    expect(spentAmong([old, taken, fresh], check)).toEqual([]);
    await commit([upload(chain.genesis.chainId, s1, SEQ_WINDOW + 5, t + 3)]);
    const found = spentAmong([old, taken, fresh], check);
    expect(found.map((e) => [e.entry.seq, e.message])).toEqual([
      [1, 'evicted: sequence number 1 is spent (SeqTooOld)'],
      [SEQ_WINDOW + 5, `evicted: sequence number ${SEQ_WINDOW + 5} is spent (SeqReplayed)`],
    ]);
  });
});

describe('RecentRefusals', () => {
  const eviction = (id: string): Eviction => ({
    entry: { id, bytes: new Uint8Array(1), code: new Uint8Array(32), signer: 's', seq: 1 },
    message: `evicted ${id}`,
  });

  it('answers REPLAYED with the eviction message, forgetting the oldest beyond its bound', () => {
    const r = new RecentRefusals(2);
    r.add([eviction('a'), eviction('b')]);
    r.add([eviction('c')]);
    expect(r.size).toBe(2);
    expect(r.get('a')).toBeUndefined();
    expect(r.get('c')).toEqual({ code: NodeErrorCode.Replayed, message: 'evicted c' });
  });
});
