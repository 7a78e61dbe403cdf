// Pending envelopes that governance made inapplicable after admission (their site suspended, an
// administrator removed), through the node's real consensus driver over a real ledger: after the
// block that changed the state is applied, they leave the mempool and the core's requests (so
// their request timer cannot start a view change no one joins), with admission's refusal for
// GetReceipt; the others stay. The core is a stand-in that delivers the given blocks.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CertifiedBlock, ContractCall } from '../../../codec/types.js';
import { PrunedPeers } from '../../../consensus/pruned-peers.js';
import type { Replica } from '../../../consensus/replica.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { hex } from '../../../node/admission/admission.js';
import {
  type Eviction,
  RecentRefusals,
  reauthorizer,
  toReauthorize,
} from '../../../node/admission/evictions.js';
import { Mempool, type MempoolEntry } from '../../../node/chain/mempool.js';
import { ConsensusDriver } from '../../../node/consensus-driver.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { ProposalBodies } from '../../../node/proposal-bodies.js';
import { MemoryDb } from '../../../node/store/index.js';
import { call, certifiedBlock, type TestSite, tempDir, testChain, upload } from '../store/fixtures.js';

const dirs: ReturnType<typeof tempDir>[] = [];
const ledgers: PersistedLedger[] = [];
afterEach(async () => {
  for (const l of ledgers.splice(0)) await l.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

const t = Date.parse('2026-01-01T00:01:00Z');
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The members of the core the driver uses, delivering the blocks a test hands it. */
class StubCore {
  readonly waiting: string[] = [];
  readonly dropped: string[] = [];
  readonly toCommit: CertifiedBlock[] = [];
  addRequests(rs: { hash: Uint8Array }[]): number {
    for (const r of rs) this.waiting.push(hex(r.hash));
    return rs.length;
  }
  dropRequests(hashes: Uint8Array[]): number {
    for (const h of hashes) this.dropped.push(hex(h));
    return hashes.length;
  }
  hasReady(): boolean {
    return this.toCommit.length > 0;
  }
  ready() {
    const committed = this.toCommit.splice(0);
    return { persist: null, messages: [], committed, stateRequests: [], evidence: [] };
  }
  advance(): void {}
  readonly pruned = new PrunedPeers();
  onBlocksApplied(): void {}
  scheduleValidators(): void {}
  scheduleParams(): void {}
}

async function setup() {
  const chain = testChain();
  const tmp = tempDir();
  dirs.push(tmp);
  const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
  ledgers.push(ledger);
  const mempool = new Mempool();
  const core = new StubCore();
  const evicted: Eviction[] = [];
  const fatal: unknown[] = [];
  const at = () => ({ now: t, height: (ledger.tip()?.height ?? 0) + 1 });
  const driver = new ConsensusDriver({
    replica: core as unknown as Replica,
    ledger,
    mempool,
    transport: { broadcast: () => undefined, sendTo: () => undefined },
    // This core proposes nothing: no PRE-PREPARE leaves, none arrives.
    bodies: new ProposalBodies({
      lookup: () => undefined,
      request: () => Promise.reject(new Error('no peers')),
      txHash: tracingCode,
      log: pino({ level: 'silent' }),
    }),
    log: pino({ level: 'silent' }),
    preverify: async () => undefined,
    onCommitted: () => undefined,
    onEvicted: (e) => evicted.push(...e),
    reauthorize: reauthorizer(ledger.contracts, at),
    onFatal: (err) => fatal.push(err),
  });
  const idle = async () => {
    // Bounded in time, not in turns: the driver waits on real WAL writes, which a loaded machine
    // makes slow (thousands of event-loop turns) without anything being wrong.
    const deadline = Date.now() + 60_000;
    while (driver.queued > 0) {
      if (Date.now() > deadline) throw new Error('the driver does not settle');
      await turn();
    }
  };
  const entryOf = (signer: Uint8Array, env: Uint8Array, seq: number): MempoolEntry => ({
    id: hex(tracingCode(env)),
    code: tracingCode(env),
    bytes: env,
    signer: hex(keyIdOf(signer)),
    seq,
  });
  /** Admitted as admission would: into the mempool, then to the core. */
  const admit = async (entries: MempoolEntry[]) => {
    for (const e of entries) expect(mempool.add(e)).toBe('added');
    driver.addRequests(entries);
    await idle();
  };
  let height = 0;
  const commit = async (envs: Uint8Array[]) => {
    const b = certifiedBlock(chain, ++height, envs, {
      parentHash: ledger.tip()?.hash,
      stateRoot: ledger.contracts.stateRoot(),
    });
    core.toCommit.push(b.decoded);
    driver.addRequests([]);
    await idle();
    expect(ledger.tip()?.height).toBe(height);
  };
  /** A governance action proposed by admin 0 and approved by admin 1 (threshold 2), in one block. */
  const governance = (action: Extract<ContractCall, { type: 'propose' }>['action'], seq: number) => {
    const propose = call(chain.genesis.chainId, chain.admins[0]!, seq, t, {
      type: 'propose',
      action,
      expiresAt: t + 86_400_000,
    });
    const approve = call(chain.genesis.chainId, chain.admins[1]!, seq, t, {
      type: 'approve',
      proposalId: tracingCode(propose),
    });
    return [propose, approve];
  };
  return { chain, ledger, mempool, core, driver, evicted, fatal, entryOf, admit, commit, governance };
}

describe('pending envelopes made inapplicable by governance', () => {
  it('evicts those of a site suspended after admission, with UNAUTHORIZED, and keeps the others', async () => {
    const { chain, mempool, core, evicted, fatal, entryOf, admit, commit, governance } = await setup();
    const [s1, s2] = chain.sites as [TestSite, TestSite];
    const id = chain.genesis.chainId;
    const doomed = [1, 2].map((seq) => entryOf(s1.key.publicKey, upload(id, s1, seq, t + seq), seq));
    const kept = entryOf(s2.key.publicKey, upload(id, s2, 1, t), 1);
    await admit([...doomed, kept]);
    await commit(governance({ type: 'suspendSite', siteKeyId: keyIdOf(s1.key.publicKey) }, 1));
    const doomedIds = doomed.map((e) => e.id);
    expect(doomedIds.map((i) => mempool.has(i))).toEqual([false, false]);
    expect(core.dropped.sort()).toEqual([...doomedIds].sort());
    expect(mempool.has(kept.id)).toBe(true);
    expect(evicted.map((e) => [e.entry.id, e.code])).toEqual(
      doomedIds.map((i) => [i, NodeErrorCode.Unauthorized]),
    );
    expect(evicted[0]!.message).toMatch(/SiteSuspended/);
    // GetReceipt's memory answers with that refusal, not REPLAYED.
    const refusals = new RecentRefusals();
    refusals.add(evicted);
    expect(refusals.get(doomedIds[0]!)).toEqual({
      code: NodeErrorCode.Unauthorized,
      message: evicted[0]!.message,
    });
    expect(fatal).toEqual([]);
  });

  it('evicts the pending call of an administrator the block removed', async () => {
    const { chain, mempool, core, evicted, entryOf, admit, commit, governance } = await setup();
    const [a0, a1, a2] = chain.admins as [
      (typeof chain.admins)[0],
      (typeof chain.admins)[0],
      (typeof chain.admins)[0],
    ];
    const id = chain.genesis.chainId;
    const pending = call(id, a2, 1, t, {
      type: 'propose',
      action: { type: 'resumeSite', siteKeyId: keyIdOf(chain.sites[0]!.key.publicKey) },
      expiresAt: t + 86_400_000,
    });
    const site = chain.sites[0]!;
    const upl = entryOf(site.key.publicKey, upload(id, site, 1, t), 1);
    await admit([entryOf(a2.publicKey, pending, 1), upl]);
    await commit(governance({ type: 'setAdmins', admins: [a0.publicKey, a1.publicKey], threshold: 2 }, 1));
    const pendingId = hex(tracingCode(pending));
    expect(mempool.has(pendingId)).toBe(false);
    expect(core.dropped).toEqual([pendingId]);
    expect(evicted.map((e) => e.code)).toEqual([NodeErrorCode.Unauthorized]);
    expect(evicted[0]!.message).toMatch(/NotAdmin/);
    expect(mempool.has(upl.id)).toBe(true);
  });

  it('the relay screen finds an envelope of a suspended site inapplicable, and the driver evicts it', async () => {
    const { chain, mempool, core, driver, evicted, entryOf, commit, governance } = await setup();
    const s1 = chain.sites[0]!;
    await commit(governance({ type: 'suspendSite', siteKeyId: keyIdOf(s1.key.publicKey) }, 1));
    // Reached the mempool some other way than admission after the block (e.g. admitted during it).
    const late = entryOf(s1.key.publicKey, upload(chain.genesis.chainId, s1, 1, t), 1);
    mempool.add(late);
    expect(driver.inapplicable([late]).map((e) => e.code)).toEqual([NodeErrorCode.Unauthorized]);
    expect(driver.evictInapplicable([late])).toBe(true);
    for (let i = 0; driver.queued > 0 && i < 10_000; i++) await turn();
    expect(mempool.has(late.id)).toBe(false);
    expect(core.dropped).toEqual([late.id]);
    expect(evicted.map((e) => e.entry.id)).toEqual([late.id]);
  });
});

describe('toReauthorize', () => {
  it('walks nothing for a block of uploads (only sequence windows change)', async () => {
    const { chain, ledger, mempool, entryOf } = await setup();
    const s1 = chain.sites[0]!;
    const id = chain.genesis.chainId;
    mempool.add(entryOf(s1.key.publicKey, upload(id, s1, 2, t), 2));
    const b = certifiedBlock(chain, 1, [upload(id, s1, 1, t)]);
    const { execution } = await ledger.commit(b.bytes, b.decoded);
    expect(execution.stateChanges.length).toBeGreaterThan(0);
    expect(toReauthorize(mempool, execution.stateChanges, ledger.contracts, 1)).toEqual([]);
  });

  it('picks the envelopes of a rotated site only', async () => {
    const { chain, ledger, mempool, entryOf, governance } = await setup();
    const [s1, s2] = chain.sites as [TestSite, TestSite];
    const id = chain.genesis.chainId;
    const old = entryOf(s1.key.publicKey, upload(id, s1, 1, t), 1);
    mempool.add(old);
    mempool.add(entryOf(s2.key.publicKey, upload(id, s2, 1, t), 1));
    const b = certifiedBlock(
      chain,
      1,
      governance(
        {
          type: 'rotateSiteKey',
          siteKeyId: keyIdOf(s1.key.publicKey),
          newPublicKey: new Uint8Array(32).fill(77),
        },
        1,
      ),
    );
    const { execution } = await ledger.commit(b.bytes, b.decoded);
    const picked = toReauthorize(mempool, execution.stateChanges, ledger.contracts, 1);
    expect(picked.map((e) => e.id)).toEqual([old.id]);
    const refused = reauthorizer(ledger.contracts, () => ({ now: t, height: 2 }))(old);
    expect(refused.ok).toBe(false);
  });
});
