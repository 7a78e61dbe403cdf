// The upload admission rule: every check with its rejection reason, at admission and again when a
// block executes.
import { describe, expect, it } from 'vitest';
import { CityScheme } from '../../../codec/types.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { ReceiptStatus } from '../../../ledger/execution.js';
import { Reason } from '../../../ledger/reasons.js';
import { SEQ_WINDOW } from '../../../ledger/seq-window.js';
import { KPIS, upload } from '../store/fixtures.js';
import { Harness } from './helpers.js';

function fields(h: Harness, siteIndex: number, seq: number, routing = {}) {
  const s = h.chain.sites[siteIndex]!;
  return { chainId: h.id, signerKeyId: keyIdOf(s.key.publicKey), seq, routing: { ...s.routing, ...routing } };
}

describe('checkUpload', () => {
  it('admits a registered, active site with a fresh seq and matching routing', () => {
    const h = new Harness();
    const r = h.contracts.checkUpload(fields(h, 0, 1));
    expect(r.ok).toBe(true);
  });

  it.each([
    ['another chain', { chainId: new Uint8Array(32) }, Reason.WrongChain],
    ['an unknown signer', { signerKeyId: new Uint8Array(16) }, Reason.UnknownSigner],
  ])('refuses %s', (_name, patch, reason) => {
    const h = new Harness();
    expect(h.contracts.checkUpload({ ...fields(h, 0, 1), ...patch })).toEqual({ ok: false, reason });
  });

  it.each([
    ['country', { country: 250 }, Reason.CountryMismatch],
    ['city', { city: { scheme: CityScheme.UnLocode, code: 'FRPAR' } }, Reason.CityMismatch],
    ['site id', { siteId: new Uint8Array(16) }, Reason.SiteIdMismatch],
    ['a KPI code not allowed', { kpiCodes: [KPIS[0]!, 65000] }, Reason.KpiNotAllowed],
  ])('refuses routing with a different %s', (_name, routing, reason) => {
    const h = new Harness();
    expect(h.contracts.checkUpload(fields(h, 0, 1, routing))).toEqual({ ok: false, reason });
  });

  it('refuses a replayed seq, accepts reordering inside the window, refuses one below it', () => {
    const h = new Harness();
    const s = h.chain.sites[0]!;
    expect(h.run([upload(h.id, s, 5, 1)])[0]?.status).toBe(ReceiptStatus.Applied);
    expect(h.contracts.checkUpload(fields(h, 0, 5))).toEqual({ ok: false, reason: Reason.SeqReplayed });
    expect(h.contracts.checkUpload(fields(h, 0, 3)).ok).toBe(true);
    const top = 100 + SEQ_WINDOW;
    expect(h.run([upload(h.id, s, 3, 1), upload(h.id, s, top, 1)]).map((r) => r.status)).toEqual([1, 1]);
    expect(h.contracts.checkUpload(fields(h, 0, top))).toEqual({ ok: false, reason: Reason.SeqReplayed });
    expect(h.contracts.checkUpload(fields(h, 0, 3))).toEqual({ ok: false, reason: Reason.SeqTooOld });
    expect(h.contracts.checkUpload(fields(h, 0, top - SEQ_WINDOW))).toEqual({
      ok: false,
      reason: Reason.SeqTooOld,
    });
    expect(h.contracts.checkUpload(fields(h, 0, top - SEQ_WINDOW + 1)).ok).toBe(true);
    // Another site's seq space is its own.
    expect(h.contracts.checkUpload(fields(h, 1, 5)).ok).toBe(true);
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
