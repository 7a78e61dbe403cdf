// Node and platform run the same ledger: the same chains, with every kind of governance action,
// through a node's persisted ledger and the platform's extractor, give the same state roots after
// every block, the same answers (validators by height, sites, SCP keys) and the same persisted
// contract state bytes, also across restarts of both.
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ContractCall, type GovernanceAction, SiteStatus } from '../../../codec/types.js';
import type { Ed25519KeyPair } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { ReceiptStatus } from '../../../ledger/execution.js';
import { Reason } from '../../../ledger/reasons.js';
import { hex } from '../../../platform/hex.js';
import { WARM_UP } from '../platform/sql-fakes.js';
import {
  call,
  KPIS,
  keyPair,
  type TestSite,
  testChain,
  site as testSite,
  upload,
  withKeyRepeated,
} from '../store/fixtures.js';
import { Twin } from './twin.js';

const APPLIED = { status: ReceiptStatus.Applied, reason: 0 };
const rejected = (reason: Reason) => ({ status: ReceiptStatus.Rejected, reason });

/** The validator set a setValidators moves to (five keys: the quorum changes too). */
const NEXT_VALIDATORS = [31, 32, 33, 34, 35].map(keyPair);

const twins: Twin[] = [];
afterEach(async () => {
  for (const t of twins.splice(0)) await t.close();
});

async function twin(): Promise<Twin> {
  const t = await Twin.open(testChain({ admins: 3, threshold: 2, sites: 2 }), NEXT_VALIDATORS);
  twins.push(t);
  return t;
}

/**
 * Signs calls and uploads with the next sequence number of each signer. An envelope expected to be
 * refused before its number is recorded (`refused`) does not advance it, so the signer's numbers
 * stay gapless.
 */
class Signers {
  private readonly seqs = new Map<Ed25519KeyPair, number>();
  constructor(private readonly t: Twin) {}

  private next(k: Ed25519KeyPair, refused: boolean): number {
    const n = (this.seqs.get(k) ?? 0) + 1;
    if (!refused) this.seqs.set(k, n);
    return n;
  }

  call(admin: Ed25519KeyPair, c: ContractCall, refused = false): Uint8Array {
    return call(this.t.chain.genesis.chainId, admin, this.next(admin, refused), this.t.time() - 500, c);
  }

  propose(admin: Ed25519KeyPair, action: GovernanceAction, ttlMs = 60_000, refused = false): Uint8Array {
    return this.call(admin, { type: 'propose', action, expiresAt: this.t.time() + ttlMs }, refused);
  }

  approve(admin: Ed25519KeyPair, proposal: Uint8Array): Uint8Array {
    return this.call(admin, { type: 'approve', proposalId: tracingCode(proposal) });
  }

  upload(s: TestSite, refused = false): Uint8Array {
    return upload(this.t.chain.genesis.chainId, s, this.next(s.key, refused), this.t.time() - 500);
  }
}

function register(s: TestSite): GovernanceAction {
  return { type: 'registerSite', publicKey: s.key.publicKey, ...s.routing, kpiCodes: KPIS };
}

async function expectSame(t: Twin): Promise<void> {
  expect(hex(t.platform.chain.stateRoot())).toBe(hex(t.node.contracts.stateRoot()));
  const upTo = t.height + 3;
  const [node, platform] = [await t.nodeAnswers(upTo), await t.platformAnswers(upTo)];
  expect(platform).toEqual(node);
  const persisted = await t.persisted();
  expect(persisted.platform).toEqual(persisted.node);
}

beforeAll(...WARM_UP);

describe('node and platform execute the same ledger', () => {
  it('agree through every governance action, approvals, expiry, refusals and restarts', async () => {
    const t = await twin();
    const s = new Signers(t);
    const [a0, a1, a2] = t.chain.admins as [Ed25519KeyPair, Ed25519KeyPair, Ed25519KeyPair];
    const [s1, s2] = t.chain.sites as [TestSite, TestSite];
    const s3 = testSite(3);
    const s4 = testSite(4);
    const s2next: TestSite = { ...s2, key: keyPair(120) };
    const freshAdmin = keyPair(60);
    const newScp = new Uint8Array(32).fill(10);
    const oldScpId = keyIdOf(new Uint8Array(32).fill(9));

    // Uploads, and a registration that waits for its second approval.
    const p1 = s.propose(a0, register(s3));
    expect(await t.block([s.upload(s1), s.upload(s2), p1])).toEqual([APPLIED, APPLIED, APPLIED]);
    expect(await t.block([s.approve(a1, p1), s.upload(s3)])).toEqual([APPLIED, APPLIED]);
    await expectSame(t);

    // Suspend, resume: an upload in between is refused.
    const suspend = s.propose(a0, { type: 'suspendSite', siteKeyId: keyIdOf(s1.key.publicKey) });
    expect(await t.block([suspend, s.approve(a1, suspend), s.upload(s1, true)])).toEqual([
      APPLIED,
      APPLIED,
      rejected(Reason.SiteSuspended),
    ]);
    const resume = s.propose(a1, { type: 'resumeSite', siteKeyId: keyIdOf(s1.key.publicKey) });
    expect(await t.block([resume, s.approve(a2, resume), s.upload(s1)])).toEqual([APPLIED, APPLIED, APPLIED]);

    // Key rotation: the old key is refused, the new one uploads.
    const rotate = s.propose(a0, {
      type: 'rotateSiteKey',
      siteKeyId: keyIdOf(s2.key.publicKey),
      newPublicKey: s2next.key.publicKey,
    });
    expect(await t.block([rotate, s.approve(a2, rotate), s.upload(s2, true), s.upload(s2next)])).toEqual([
      APPLIED,
      APPLIED,
      rejected(Reason.KeyRotated),
      APPLIED,
    ]);
    await expectSame(t);
    await t.reopen();
    await expectSame(t);

    // SCP keys: add one, retire the genesis one; revoke a site.
    const add = s.propose(a0, {
      type: 'addScpKey',
      publicKey: newScp,
      notBefore: t.time(),
      notAfter: t.time() + 1e9,
    });
    const retire = s.propose(a1, { type: 'retireScpKey', scpKeyId: oldScpId });
    const revoke = s.propose(a2, { type: 'revokeSite', siteKeyId: keyIdOf(s3.key.publicKey) });
    expect(
      await t.block([add, retire, revoke, s.approve(a1, add), s.approve(a0, retire), s.approve(a0, revoke)]),
    ).toEqual(Array(6).fill(APPLIED));
    expect(await t.block([s.upload(s3, true)])).toEqual([rejected(Reason.SiteRevoked)]); // height 7

    // Params and validators scheduled for heights 11 and 12; one too early is refused.
    const params = { periodMs: 500, maxBlockEnvelopes: 10, maxBlockBytes: 100_000, viewTimeoutMs: 2000 };
    const setParams = s.propose(a0, { type: 'setParams', params, activateAt: 12 });
    const setValidators = s.propose(a1, {
      type: 'setValidators',
      validators: NEXT_VALIDATORS.map((k) => ({ publicKey: k.publicKey })),
      activateAt: 11,
    });
    const tooEarly = s.propose(a2, { type: 'setParams', params, activateAt: 8 });
    expect(
      await t.block([
        setParams,
        setValidators,
        tooEarly,
        s.approve(a2, setParams),
        s.approve(a2, setValidators),
        s.approve(a0, tooEarly),
      ]),
    ).toEqual([APPLIED, APPLIED, APPLIED, APPLIED, APPLIED, rejected(Reason.ActivationNotInFuture)]);
    await expectSame(t);

    // A proposal that expires before its second approval; a replayed call; a stranger; a
    // setValidators whose key list repeats a key (the codec refuses it).
    const short = s.propose(a0, register(s4), 800); // height 9 at time(9); expires before height 10
    const stranger = call(t.chain.genesis.chainId, keyPair(200), 1, t.time(), {
      type: 'approve',
      proposalId: tracingCode(short),
    });
    const repeated = withKeyRepeated(
      s.propose(
        a1,
        {
          type: 'setValidators',
          validators: [keyPair(41), keyPair(42)].map((k) => ({ publicKey: k.publicKey })),
          activateAt: 30,
        },
        60_000,
        true,
      ),
      keyPair(41).publicKey,
      keyPair(42).publicKey,
      a1,
    );
    expect(await t.block([short, short, stranger, repeated])).toEqual([
      APPLIED,
      rejected(Reason.SeqReplayed),
      rejected(Reason.NotAdmin),
      rejected(Reason.Malformed),
    ]);
    expect(await t.block([s.approve(a1, short)])).toEqual([rejected(Reason.ProposalExpired)]); // height 10
    await t.reopen();

    // Height 11 on: certified by the new validator set.
    expect(await t.block([s.upload(s1)])).toEqual([APPLIED]);
    // New admins, threshold 1: a0 loses its vote, the fresh admin acts alone.
    const setAdmins = s.propose(a0, {
      type: 'setAdmins',
      admins: [a1.publicKey, freshAdmin.publicKey],
      threshold: 1,
    });
    expect(await t.block([setAdmins, s.approve(a2, setAdmins)])).toEqual([APPLIED, APPLIED]);
    expect(
      await t.block([s.propose(a0, register(s4), 60_000, true), s.propose(freshAdmin, register(s4))]),
    ).toEqual([rejected(Reason.NotAdmin), APPLIED]);
    expect(await t.block([s.upload(s4)])).toEqual([APPLIED]); // its header checks the block before
    await expectSame(t);
    await t.reopen();
    await expectSame(t);

    // The answers are the chain's story, not just equal to each other.
    const a = await t.platformAnswers(14);
    expect(a.validators[9]).toEqual(t.chain.validators.map((v) => hex(v.publicKey))); // height 10
    expect(a.validators[10]).toEqual(NEXT_VALIDATORS.map((v) => hex(v.publicKey))); // height 11
    const status = Object.fromEntries(a.sites.map((x) => [x.keyId, x.status]));
    expect(status).toEqual({
      [hex(keyIdOf(s1.key.publicKey))]: SiteStatus.Active,
      [hex(keyIdOf(s2next.key.publicKey))]: SiteStatus.Active,
      [hex(keyIdOf(s3.key.publicKey))]: SiteStatus.Revoked,
      [hex(keyIdOf(s4.key.publicKey))]: SiteStatus.Active,
    });
    expect(a.scpKeys.map((k) => [k.keyId, k.retired])).toEqual(
      [
        [hex(oldScpId), true],
        [hex(keyIdOf(newScp)), false],
      ].sort(),
    );
    expect(t.node.contracts.params(12)).toEqual(params);
  });

  it('agree on random sequences of calls and uploads, with restarts', async () => {
    // Each block: a few steps drawn from uploads, proposals (of any action on known sites and
    // keys, with a short or long expiry), approvals of earlier proposals by any admin or not.
    const action = fc.constantFrom<(t: TestSite[]) => GovernanceAction>(
      (x) => ({ type: 'suspendSite', siteKeyId: keyIdOf(x[0]!.key.publicKey) }),
      (x) => ({ type: 'resumeSite', siteKeyId: keyIdOf(x[0]!.key.publicKey) }),
      (x) => ({ type: 'revokeSite', siteKeyId: keyIdOf(x[1]!.key.publicKey) }),
      (x) => ({
        type: 'rotateSiteKey',
        siteKeyId: keyIdOf(x[1]!.key.publicKey),
        newPublicKey: keyPair(121).publicKey,
      }),
      () => register(testSite(5)),
      () => ({ type: 'addScpKey', publicKey: new Uint8Array(32).fill(11), notBefore: 0, notAfter: 1e13 }),
      () => ({ type: 'retireScpKey', scpKeyId: keyIdOf(new Uint8Array(32).fill(9)) }),
      () => ({ type: 'setAdmins', admins: [keyPair(50).publicKey, keyPair(51).publicKey], threshold: 1 }),
      () => ({
        type: 'setParams',
        params: { periodMs: 700, maxBlockEnvelopes: 5, maxBlockBytes: 50_000, viewTimeoutMs: 900 },
        activateAt: 9,
      }),
    );
    const step = fc.oneof(
      fc.record({ kind: fc.constant('upload' as const), site: fc.nat(2) }),
      fc.record({
        kind: fc.constant('propose' as const),
        by: fc.nat(2),
        action,
        ttl: fc.constantFrom(700, 60_000),
      }),
      fc.record({ kind: fc.constant('approve' as const), by: fc.nat(3), of: fc.nat(20) }),
    );
    const plan = fc.record({
      blocks: fc.array(fc.array(step, { maxLength: 4 }), { minLength: 3, maxLength: 7 }),
      restartAt: fc.nat(6),
    });
    await fc.assert(
      fc.asyncProperty(plan, async ({ blocks, restartAt }) => {
        const t = await twin();
        const s = new Signers(t);
        const sites = [...t.chain.sites, testSite(5)];
        const admins = [...t.chain.admins, keyPair(200)];
        const proposals: Uint8Array[] = [];
        for (const [i, steps] of blocks.entries()) {
          const envs = steps.map((st) => {
            if (st.kind === 'upload') return s.upload(sites[st.site]!);
            if (st.kind === 'propose') {
              const p = s.propose(admins[st.by]!, st.action(t.chain.sites), st.ttl);
              proposals.push(p);
              return p;
            }
            const p = proposals[st.of % Math.max(1, proposals.length)];
            return p ? s.approve(admins[st.by]!, p) : s.upload(sites[0]!);
          });
          await t.block(envs);
          if (i === restartAt) await t.reopen();
          await expectSame(t);
        }
        await t.close();
        twins.splice(twins.indexOf(t), 1);
      }),
      { numRuns: 6 },
    );
  });
});
