// Governance and the site registry: thresholds, approvals, expiry, every rejection reason, site
// lifecycle, key rotation, future-height params and validator sets, SCP keys.
import { describe, expect, it } from 'vitest';
import { CityScheme, type GovernanceAction, SiteStatus } from '../../../codec/types.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { DEFAULT_MAX_ENVELOPE_FUTURE_MS, DEFAULT_MAX_SEQ_GAP } from '../../../ledger/envelope-bounds.js';
import { ReceiptStatus } from '../../../ledger/execution.js';
import { Reason } from '../../../ledger/reasons.js';
import { SEQ_WINDOW } from '../../../ledger/seq-window.js';
import { validateAction } from '../../../ledger/validate-action.js';
import { call, KPIS, keyPair, site, upload, withKeyRepeated } from '../store/fixtures.js';
import { Harness } from './helpers.js';

const APPLIED = { status: ReceiptStatus.Applied, reason: 0 };
const rejected = (reason: Reason) => ({ status: ReceiptStatus.Rejected, reason });

function register(s: ReturnType<typeof site>): GovernanceAction {
  return { type: 'registerSite', publicKey: s.key.publicKey, ...s.routing, kpiCodes: KPIS };
}

const PARAMS = { periodMs: 500, maxBlockEnvelopes: 10, maxBlockBytes: 100_000, viewTimeoutMs: 2000 };

/** Malformed actions the codec still encodes: they reach the chain, and the contract refuses them. */
const CODEC_CARRIES: [string, GovernanceAction][] = [
  [
    'a zero period',
    {
      type: 'setParams',
      params: { periodMs: 0, maxBlockEnvelopes: 1, maxBlockBytes: 1, viewTimeoutMs: 1 },
      activateAt: 10,
    },
  ],
  [
    'a maxSeqGap below the replay window',
    {
      type: 'setParams',
      params: { ...PARAMS, maxSeqGap: SEQ_WINDOW - 1, maxEnvelopeFutureMs: 60_000 },
      activateAt: 10,
    },
  ],
  [
    'a zero maxEnvelopeFutureMs',
    {
      type: 'setParams',
      params: { ...PARAMS, maxSeqGap: SEQ_WINDOW, maxEnvelopeFutureMs: 0 },
      activateAt: 10,
    },
  ],
  [
    'an SCP key window that ends before it starts',
    { type: 'addScpKey', publicKey: new Uint8Array(32), notBefore: 5, notAfter: 5 },
  ],
];

describe('governance', () => {
  it('executes an action only when approvals reach the threshold', () => {
    const h = new Harness({ threshold: 2 });
    const [a0, a1, a2] = h.chain.admins;
    const newSite = site(9);
    const p = h.propose(a0!, register(newSite));
    expect(h.run([p])).toEqual([APPLIED]);
    expect(h.contracts.site(keyIdOf(newSite.key.publicKey))).toBeUndefined();
    expect(h.run([h.approve(a0!, p)])).toEqual([rejected(Reason.AlreadyApproved)]);
    expect(h.run([h.approve(a1!, p)])).toEqual([APPLIED]);
    expect(h.contracts.site(keyIdOf(newSite.key.publicKey))?.status).toBe(SiteStatus.Active);
    // Executed proposals close: a third approval finds nothing.
    expect(h.run([h.approve(a2!, p)])).toEqual([rejected(Reason.UnknownProposal)]);
    expect(h.run([upload(h.id, newSite, 1, 1)])).toEqual([APPLIED]);
  });

  it('threshold 1 executes on the proposal itself', () => {
    const h = new Harness({ threshold: 1 });
    const s = site(9);
    expect(h.run([h.propose(h.chain.admins[0]!, register(s))])).toEqual([APPLIED]);
    expect(h.contracts.site(keyIdOf(s.key.publicKey))).toBeDefined();
  });

  it('refuses calls from non-admins, replayed calls, expired and unknown proposals', () => {
    const h = new Harness();
    const outsider = keyPair(200);
    const bogus = call(h.id, outsider, 1, h.time(), {
      type: 'propose',
      action: register(site(9)),
      expiresAt: h.time() + 1000,
    });
    expect(h.run([bogus])).toEqual([rejected(Reason.NotAdmin)]);
    const p = h.propose(h.chain.admins[0]!, register(site(9)), h.time() + 1500);
    expect(h.run([p, p])).toEqual([APPLIED, rejected(Reason.SeqReplayed)]);
    h.run([]);
    h.run([]);
    expect(h.run([h.approve(h.chain.admins[1]!, p)])).toEqual([rejected(Reason.ProposalExpired)]);
    expect(h.run([h.call(h.chain.admins[1]!, { type: 'approve', proposalId: new Uint8Array(32) })])).toEqual([
      rejected(Reason.UnknownProposal),
    ]);
    const late = h.propose(h.chain.admins[0]!, register(site(9)), h.time() - 1);
    expect(h.run([late])).toEqual([rejected(Reason.ExpiryInPast)]);
    const wrongChain = call(new Uint8Array(32), h.chain.admins[0]!, 99, h.time(), {
      type: 'approve',
      proposalId: new Uint8Array(32),
    });
    expect(h.run([wrongChain])).toEqual([rejected(Reason.WrongChain)]);
  });

  it.each<[string, GovernanceAction]>([
    [
      'a threshold above the admin count',
      { type: 'setAdmins', admins: [keyPair(1).publicKey], threshold: 2 },
    ],
    [
      'unsorted KPI codes',
      { ...(register(site(9)) as object), kpiCodes: [KPIS[1]!, KPIS[0]!] } as GovernanceAction,
    ],
    [
      'a short site key',
      { ...(register(site(9)) as object), publicKey: new Uint8Array(31) } as GovernanceAction,
    ],
    ['an empty validator set', { type: 'setValidators', validators: [], activateAt: 10 }],
    // The codec neither writes nor reads a key list with a repeat (test below); the contract's
    // own check stays for actions built in memory.
    [
      'duplicate admins',
      { type: 'setAdmins', admins: [keyPair(1).publicKey, keyPair(1).publicKey], threshold: 1 },
    ],
    [
      'duplicate validators',
      {
        type: 'setValidators',
        validators: [{ publicKey: keyPair(1).publicKey }, { publicKey: keyPair(1).publicKey }],
        activateAt: 10,
      },
    ],
    ...CODEC_CARRIES,
  ])('refuses a malformed action: %s', (_name, action) => {
    expect(validateAction(action)).toBe(Reason.InvalidAction);
  });

  it.each(CODEC_CARRIES)(
    'rejects a proposal the codec can carry but the contract refuses: %s',
    (_name, action) => {
      const h = new Harness();
      expect(h.run([h.propose(h.chain.admins[0]!, action)])).toEqual([rejected(Reason.InvalidAction)]);
    },
  );

  it('rejects as malformed a proposal whose key list repeats a key (the codec refuses it)', () => {
    const h = new Harness({ threshold: 1 });
    const [a, b] = [keyPair(31).publicKey, keyPair(32).publicKey];
    const admin = h.chain.admins[0]!;
    const validators = [a, b].map((publicKey) => ({ publicKey }));
    const repeated = [
      h.propose(admin, { type: 'setValidators', validators, activateAt: 20 }),
      h.propose(admin, { type: 'setAdmins', admins: [a, b], threshold: 1 }),
    ].map((env) => withKeyRepeated(env, a, b, admin));
    expect(h.run(repeated)).toEqual([rejected(Reason.Malformed), rejected(Reason.Malformed)]);
    expect(h.contracts.validators(20)).toEqual(h.chain.validators.map((v) => v.publicKey));
    // The admin set is unchanged: the genesis admin still proposes.
    expect(h.run([h.propose(admin, register(site(9)))])).toEqual([APPLIED]);
  });

  it('applies setParams and setValidators at a future height only', () => {
    const h = new Harness();
    const params = { periodMs: 500, maxBlockEnvelopes: 10, maxBlockBytes: 100_000, viewTimeoutMs: 2000 };
    expect(h.enact({ type: 'setParams', params, activateAt: 1 })).toEqual([
      APPLIED,
      rejected(Reason.ActivationNotInFuture),
    ]);
    expect(h.enact({ type: 'setParams', params, activateAt: 10 })).toEqual([APPLIED, APPLIED]);
    expect(h.contracts.params(9)?.periodMs).toBe(1000);
    expect(h.contracts.params(10)).toEqual(params);
    const next = [keyPair(31), keyPair(32), keyPair(33), keyPair(34)].map((k) => ({
      publicKey: k.publicKey,
    }));
    expect(h.enact({ type: 'setValidators', validators: next, activateAt: 20 })).toEqual([APPLIED, APPLIED]);
    expect(h.contracts.validators(19)).toEqual(h.chain.validators.map((v) => v.publicKey));
    expect(h.contracts.validators(20)).toEqual(next.map((v) => v.publicKey));
  });

  it('setValidators activates two blocks after its approval at the earliest, so a certified header of the old set proves it', () => {
    const h = new Harness();
    const next = [keyPair(41), keyPair(42), keyPair(43), keyPair(44)].map((k) => ({
      publicKey: k.publicKey,
    }));
    const old = h.chain.validators.map((v) => v.publicKey);
    // Executed at height 1: height 2 would leave no header of the old set carrying the change.
    expect(h.enact({ type: 'setValidators', validators: next, activateAt: 2 })).toEqual([
      APPLIED,
      rejected(Reason.ActivationNotInFuture),
    ]);
    expect(h.contracts.validators(2)).toEqual(old);
    // Executed at height 2: height 4 is the first allowed, height 3 is refused the same way.
    expect(h.enact({ type: 'setValidators', validators: next, activateAt: 3 })).toEqual([
      APPLIED,
      rejected(Reason.ActivationNotInFuture),
    ]);
    expect(h.enact({ type: 'setValidators', validators: next, activateAt: 5 })).toEqual([APPLIED, APPLIED]);
    expect(h.contracts.validators(4)).toEqual(old);
    expect(h.contracts.validators(5)).toEqual(next.map((v) => v.publicKey));
  });

  it('setParams sets the envelope bounds at activation; a call without them (type 8) keeps them', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    const defaults = { maxSeqGap: DEFAULT_MAX_SEQ_GAP, maxEnvelopeFutureMs: DEFAULT_MAX_ENVELOPE_FUTURE_MS };
    const bounds = { maxSeqGap: 5000, maxEnvelopeFutureMs: 1000 };
    expect(h.enact({ type: 'setParams', params: { ...PARAMS, ...bounds }, activateAt: 5 })).toEqual([
      APPLIED,
      APPLIED,
    ]);
    expect(h.enact({ type: 'setParams', params: { ...PARAMS, periodMs: 700 }, activateAt: 8 })).toEqual([
      APPLIED,
      APPLIED,
    ]);
    expect(h.contracts.bounds(4)).toEqual(defaults);
    expect(h.contracts.bounds(5)).toEqual(bounds);
    expect(h.contracts.params(8)).toEqual({ ...PARAMS, periodMs: 700, ...bounds });
    while (h.height < 4) h.run([]);
    // Height 5 executes under the new bounds: judged against its own block time and seq.
    expect(
      h.run([
        upload(h.id, s, 5001, 1),
        upload(h.id, s, 5000, h.time(5) + 1001),
        upload(h.id, s, 5000, h.time(5) + 1000),
      ]),
    ).toEqual([rejected(Reason.SeqTooFar), rejected(Reason.TimeInFuture), APPLIED]);
    expect(
      h.contracts.checkUpload(
        { chainId: h.id, signerKeyId: keyIdOf(s.key.publicKey), seq: 10_001, time: 1, routing: s.routing },
        { now: h.time(), height: h.height + 1 },
      ),
    ).toEqual({ ok: false, reason: Reason.SeqTooFar });
  });

  it('setAdmins replaces the admin set: old admins lose their vote', () => {
    const h = new Harness();
    const fresh = keyPair(60);
    expect(h.enact({ type: 'setAdmins', admins: [fresh.publicKey], threshold: 1 })).toEqual([
      APPLIED,
      APPLIED,
    ]);
    expect(h.run([h.propose(h.chain.admins[0]!, register(site(9)))])).toEqual([rejected(Reason.NotAdmin)]);
    expect(h.run([h.propose(fresh, register(site(9)))])).toEqual([APPLIED]);
  });
});

describe('site registry', () => {
  it('suspends, resumes and revokes; uploads follow the status', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    const siteKeyId = keyIdOf(s.key.publicKey);
    h.enact({ type: 'suspendSite', siteKeyId });
    expect(h.run([upload(h.id, s, 1, 1)])).toEqual([rejected(Reason.SiteSuspended)]);
    expect(h.enact({ type: 'suspendSite', siteKeyId })[1]).toEqual(rejected(Reason.BadTransition));
    h.enact({ type: 'resumeSite', siteKeyId });
    expect(h.run([upload(h.id, s, 1, 1)])).toEqual([APPLIED]);
    h.enact({ type: 'revokeSite', siteKeyId });
    expect(h.run([upload(h.id, s, 2, 1)])).toEqual([rejected(Reason.SiteRevoked)]);
    expect(h.enact({ type: 'resumeSite', siteKeyId })[1]).toEqual(rejected(Reason.BadTransition));
    expect(h.contracts.site(siteKeyId)?.status).toBe(SiteStatus.Revoked);
  });

  it('an envelope admitted before a suspension in the same block is judged at execution', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    const [a0, a1] = h.chain.admins;
    const p = h.propose(a0!, { type: 'suspendSite', siteKeyId: keyIdOf(s.key.publicKey) });
    h.run([p]);
    const env = upload(h.id, s, 1, 1);
    expect(
      h.contracts.checkUpload(
        { ...s, chainId: h.id, signerKeyId: keyIdOf(s.key.publicKey), seq: 1, time: 1, routing: s.routing },
        { now: h.time(), height: h.height + 1 },
      ).ok,
    ).toBe(true);
    expect(h.run([h.approve(a1!, p), env])).toEqual([APPLIED, rejected(Reason.SiteSuspended)]);
  });

  it('rotates a key: the old key is refused as rotated, the new one uploads from seq 1', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    h.run([upload(h.id, s, 1, 1)]);
    const next = keyPair(150);
    expect(
      h.enact({ type: 'rotateSiteKey', siteKeyId: keyIdOf(s.key.publicKey), newPublicKey: next.publicKey }),
    ).toEqual([APPLIED, APPLIED]);
    expect(h.run([upload(h.id, s, 2, 1)])).toEqual([rejected(Reason.KeyRotated)]);
    const rotated = { ...s, key: next };
    expect(h.run([upload(h.id, rotated, 1, 1)])).toEqual([APPLIED]);
    expect(h.contracts.site(keyIdOf(next.publicKey))?.publicKey).toEqual(next.publicKey);
    // Actions may still name the site by its old key ID.
    expect(h.enact({ type: 'suspendSite', siteKeyId: keyIdOf(s.key.publicKey) })).toEqual([APPLIED, APPLIED]);
    expect(h.run([upload(h.id, rotated, 2, 1)])).toEqual([rejected(Reason.SiteSuspended)]);
    // Rotating onto a key already in use is refused.
    const other = h.chain.sites[1]!;
    const clash = {
      type: 'rotateSiteKey' as const,
      siteKeyId: keyIdOf(next.publicKey),
      newPublicKey: other.key.publicKey,
    };
    expect(h.enact(clash)[1]).toEqual(rejected(Reason.SiteExists));
  });

  it('refuses a second registration of a key or an address, and actions on unknown sites', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    expect(h.enact(register(s))[1]).toEqual(rejected(Reason.SiteExists));
    const sameAddress = { ...site(9), routing: s.routing };
    expect(h.enact(register(sameAddress))[1]).toEqual(rejected(Reason.SiteExists));
    expect(h.enact({ type: 'revokeSite', siteKeyId: new Uint8Array(16) })[1]).toEqual(
      rejected(Reason.UnknownSite),
    );
    const elsewhere = {
      ...site(9),
      routing: { ...site(9).routing, city: { scheme: CityScheme.UnLocode, code: 'CNBJS' } },
    };
    expect(h.enact(register(elsewhere))).toEqual([APPLIED, APPLIED]);
  });
});

describe('SCP key directory', () => {
  it('adds and retires keys with their validity windows', () => {
    const h = new Harness();
    expect(h.contracts.scpKeys()).toHaveLength(1);
    const pk = new Uint8Array(32).fill(7);
    expect(h.enact({ type: 'addScpKey', publicKey: pk, notBefore: 10, notAfter: 20 })).toEqual([
      APPLIED,
      APPLIED,
    ]);
    const added = h.contracts.scpKeys().find((k) => k.keyId.toString() === keyIdOf(pk).toString());
    expect(added).toMatchObject({ notBefore: 10, notAfter: 20, retired: false });
    expect(h.enact({ type: 'addScpKey', publicKey: pk, notBefore: 10, notAfter: 20 })[1]).toEqual(
      rejected(Reason.InvalidAction),
    );
    expect(h.enact({ type: 'retireScpKey', scpKeyId: keyIdOf(pk) })).toEqual([APPLIED, APPLIED]);
    expect(h.contracts.scpKeys().find((k) => k.retired)?.publicKey).toEqual(pk);
    expect(h.enact({ type: 'retireScpKey', scpKeyId: keyIdOf(pk) })[1]).toEqual(
      rejected(Reason.BadTransition),
    );
    expect(h.enact({ type: 'retireScpKey', scpKeyId: new Uint8Array(16) })[1]).toEqual(
      rejected(Reason.UnknownScpKey),
    );
  });
});
