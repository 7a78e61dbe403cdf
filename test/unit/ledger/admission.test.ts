// The upload admission rule: every check with its rejection reason, at admission and again when a
// block executes; and the envelope bounds (seq gap, time ahead) for uploads and contract calls.
import { describe, expect, it } from 'vitest';
import { CityScheme } from '../../../codec/types.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import {
  DEFAULT_MAX_ENVELOPE_FUTURE_MS as AHEAD,
  DEFAULT_MAX_SEQ_GAP as GAP,
} from '../../../ledger/envelope-bounds.js';
import { ReceiptStatus } from '../../../ledger/execution.js';
import { Reason } from '../../../ledger/reasons.js';
import { sitePublicKey, type UploadFields } from '../../../ledger/registry.js';
import { SEQ_WINDOW } from '../../../ledger/seq-window.js';
import { call, KPIS, upload } from '../store/fixtures.js';
import { Harness } from './helpers.js';

function fields(h: Harness, siteIndex: number, seq: number, routing = {}, time = 1) {
  const s = h.chain.sites[siteIndex]!;
  return {
    chainId: h.id,
    signerKeyId: keyIdOf(s.key.publicKey),
    seq,
    time,
    routing: { ...s.routing, ...routing },
  };
}

/** Admission as a node does it: the next height's bounds, `now` (default: the next block's time). */
function check(h: Harness, f: UploadFields, now = h.time()) {
  return h.contracts.checkUpload(f, { now, height: h.height + 1 });
}

describe('checkUpload', () => {
  it('admits a registered, active site with a fresh seq and matching routing', () => {
    const h = new Harness();
    const r = check(h, fields(h, 0, 1));
    expect(r.ok).toBe(true);
  });

  it("gives the admitted site's public key as bytes, one shared array per site record", () => {
    const h = new Harness();
    const r = check(h, fields(h, 0, 1));
    if (!r.ok) throw new Error('not admitted');
    const key = sitePublicKey(r.value);
    expect(key).toEqual(h.chain.sites[0]!.key.publicKey);
    const again = check(h, fields(h, 0, 2));
    if (!again.ok) throw new Error('not admitted');
    expect(sitePublicKey(again.value)).toBe(key);
    const other = check(h, fields(h, 1, 1));
    if (!other.ok) throw new Error('not admitted');
    expect(sitePublicKey(other.value)).toEqual(h.chain.sites[1]!.key.publicKey);
  });

  it.each([
    ['another chain', { chainId: new Uint8Array(32) }, Reason.WrongChain],
    ['an unknown signer', { signerKeyId: new Uint8Array(16) }, Reason.UnknownSigner],
  ])('refuses %s', (_name, patch, reason) => {
    const h = new Harness();
    expect(check(h, { ...fields(h, 0, 1), ...patch })).toEqual({ ok: false, reason });
  });

  it.each([
    ['country', { country: 250 }, Reason.CountryMismatch],
    ['city', { city: { scheme: CityScheme.UnLocode, code: 'FRPAR' } }, Reason.CityMismatch],
    ['site id', { siteId: new Uint8Array(16) }, Reason.SiteIdMismatch],
    ['a KPI code not allowed', { kpiCodes: [KPIS[0]!, 65000] }, Reason.KpiNotAllowed],
  ])('refuses routing with a different %s', (_name, routing, reason) => {
    const h = new Harness();
    expect(check(h, fields(h, 0, 1, routing))).toEqual({ ok: false, reason });
  });

  it('refuses a replayed seq, accepts reordering inside the window, refuses one below it', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    expect(h.run([upload(h.id, s, 5, 1)])[0]?.status).toBe(ReceiptStatus.Applied);
    expect(check(h, fields(h, 0, 5))).toEqual({ ok: false, reason: Reason.SeqReplayed });
    expect(check(h, fields(h, 0, 3)).ok).toBe(true);
    const top = 100 + SEQ_WINDOW;
    expect(h.run([upload(h.id, s, 3, 1), upload(h.id, s, top, 1)]).map((r) => r.status)).toEqual([1, 1]);
    expect(check(h, fields(h, 0, top))).toEqual({ ok: false, reason: Reason.SeqReplayed });
    expect(check(h, fields(h, 0, 3))).toEqual({ ok: false, reason: Reason.SeqTooOld });
    expect(check(h, fields(h, 0, top - SEQ_WINDOW))).toEqual({
      ok: false,
      reason: Reason.SeqTooOld,
    });
    expect(check(h, fields(h, 0, top - SEQ_WINDOW + 1)).ok).toBe(true);
    // Another site's seq space is its own.
    expect(check(h, fields(h, 1, 5)).ok).toBe(true);
  });

  it('re-checks at execution: a duplicate in the same block is skipped with a receipt', () => {
    const h = new Harness();
    const env = upload(h.id, h.chain.sites[0]!, 1, 1);
    const receipts = h.run([env, env, upload(h.id, h.chain.sites[0]!, 2, 1, { country: 250 })]);
    expect(receipts).toEqual([
      { status: ReceiptStatus.Applied, reason: 0 },
      { status: ReceiptStatus.Rejected, reason: Reason.SeqReplayed },
      { status: ReceiptStatus.Rejected, reason: Reason.CountryMismatch },
    ]);
  });

  it('rejects undecodable envelope bytes as Malformed', () => {
    const h = new Harness();
    expect(h.run([new Uint8Array([1, 2, 3])])).toEqual([
      { status: ReceiptStatus.Rejected, reason: Reason.Malformed },
    ]);
  });
});

const APPLIED = { status: ReceiptStatus.Applied, reason: 0 };
const rejected = (reason: Reason) => ({ status: ReceiptStatus.Rejected, reason });
const YEAR_3000 = Date.parse('3000-01-01T00:00:00Z');

describe('envelope bounds', () => {
  it('a seq jump to 2^53 - 1 is refused, at admission and at execution, and the site uploads on', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    expect(check(h, fields(h, 0, Number.MAX_SAFE_INTEGER))).toEqual({ ok: false, reason: Reason.SeqTooFar });
    expect(h.run([upload(h.id, s, Number.MAX_SAFE_INTEGER, 1)])).toEqual([rejected(Reason.SeqTooFar)]);
    // Nothing was spent: the site's next number still applies, and so does the one after it.
    expect(h.run([upload(h.id, s, 1, 1)])).toEqual([APPLIED]);
    expect(h.run([upload(h.id, s, 2, 1)])).toEqual([APPLIED]);
  });

  it('measures the gap from the highest applied seq, including earlier envelopes of the same block', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    expect(check(h, fields(h, 0, GAP)).ok).toBe(true);
    expect(check(h, fields(h, 0, GAP + 1))).toEqual({ ok: false, reason: Reason.SeqTooFar });
    expect(
      h.run([upload(h.id, s, 5, 1), upload(h.id, s, 5 + GAP + 1, 1), upload(h.id, s, 5 + GAP, 1)]),
    ).toEqual([APPLIED, rejected(Reason.SeqTooFar), APPLIED]);
    expect(check(h, fields(h, 0, 5 + 2 * GAP)).ok).toBe(true);
    expect(check(h, fields(h, 0, 5 + 2 * GAP + 1))).toEqual({ ok: false, reason: Reason.SeqTooFar });
    // Another site's numbers are measured from its own highest one.
    expect(check(h, fields(h, 1, GAP + 1))).toEqual({ ok: false, reason: Reason.SeqTooFar });
  });

  it('execution refuses an envelope time more than maxEnvelopeFutureMs after the block time', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    const block = h.time();
    expect(
      h.run([
        upload(h.id, s, 1, YEAR_3000),
        upload(h.id, s, 2, block + AHEAD + 1),
        upload(h.id, s, 3, block + AHEAD),
        // No lower bound: a site uploads what it sealed before an outage with its old time.
        upload(h.id, s, 4, 1),
      ]),
    ).toEqual([rejected(Reason.TimeInFuture), rejected(Reason.TimeInFuture), APPLIED, APPLIED]);
    // The refused numbers were not spent.
    expect(h.run([upload(h.id, s, 1, h.time()), upload(h.id, s, 2, h.time())])).toEqual([APPLIED, APPLIED]);
  });

  it('admission judges the time against the clock it is given, not the block time', () => {
    const h = new Harness();
    const now = h.time() + 3_600_000;
    expect(check(h, fields(h, 0, 1, {}, now + AHEAD), now).ok).toBe(true);
    expect(check(h, fields(h, 0, 1, {}, now + AHEAD + 1), now)).toEqual({
      ok: false,
      reason: Reason.TimeInFuture,
    });
    expect(check(h, fields(h, 0, 1, {}, YEAR_3000), now)).toEqual({ ok: false, reason: Reason.TimeInFuture });
    // A replayed or far-jumping seq is named as such first: the site re-makes the former.
    expect(check(h, fields(h, 0, GAP + 1, {}, YEAR_3000), now)).toEqual({
      ok: false,
      reason: Reason.SeqTooFar,
    });
  });

  it('a contract call dated too far ahead is refused without spending its seq; its seq may jump', () => {
    const h = new Harness();
    const admin = h.chain.admins[0]!;
    const c = {
      type: 'propose' as const,
      action: { type: 'suspendSite' as const, siteKeyId: new Uint8Array(16) },
      expiresAt: YEAR_3000,
    };
    expect(h.run([call(h.id, admin, 1, YEAR_3000, c)])).toEqual([rejected(Reason.TimeInFuture)]);
    expect(h.run([call(h.id, admin, 1, h.time(), c)])).toEqual([APPLIED]);
    // Administrators number their calls by their clock (platform/admin.ts): no gap bound for them.
    expect(h.run([call(h.id, admin, h.time(), h.time(), c)])).toEqual([APPLIED]);
  });
});

describe('sitePublicKey', () => {
  it('is the admitted site record public key, decoded once per record object', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    const r = check(h, fields(h, 0, 1));
    if (!r.ok) throw new Error('site 0 should be admitted');
    const key = sitePublicKey(r.value);
    expect(key).toEqual(s.key.publicKey);
    expect(sitePublicKey(r.value)).toBe(key);
    // Another record (another site, or this one changed: records are replaced, never mutated) gets its own.
    const other = check(h, fields(h, 1, 1));
    if (!other.ok) throw new Error('site 1 should be admitted');
    expect(sitePublicKey(other.value)).toEqual(h.chain.sites[1]!.key.publicKey);
    expect(sitePublicKey({ ...r.value })).not.toBe(key);
  });
});
