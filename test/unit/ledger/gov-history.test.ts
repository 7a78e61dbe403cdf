// Governance history in contract state: closed proposals (executed, failed, expired) are kept with
// their signatories, the closing call and their membership changes, bounded by HISTORY_LIMIT.
import { describe, expect, it } from 'vitest';
import type { GovernanceAction } from '../../../codec/types.js';
import { toHex } from '../../../crypto/bytes.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { HISTORY_LIMIT, HISTORY_PREFIX, type HistoryRecord } from '../../../ledger/gov-history.js';
import { Reason } from '../../../ledger/reasons.js';
import { K } from '../../../ledger/records.js';
import { KPIS, keyPair, site } from '../store/fixtures.js';
import { Harness } from './helpers.js';

function register(n: number): GovernanceAction {
  const s = site(n);
  return { type: 'registerSite', publicKey: s.key.publicKey, ...s.routing, kpiCodes: KPIS };
}

function history(h: Harness): HistoryRecord[] {
  return h.contracts.state.keys(HISTORY_PREFIX).map((k) => h.contracts.state.get<HistoryRecord>(k)!);
}

const idOf = (pub: Uint8Array): string => toHex(keyIdOf(pub));

describe('governance history', () => {
  it('keeps an executed proposal with both signatories, the closing call and the site it added', () => {
    const h = new Harness({ threshold: 2 });
    const [a0, a1] = h.chain.admins;
    const p = h.propose(a0!, register(9));
    h.run([p]);
    expect(history(h)).toEqual([]);
    const approval = h.approve(a1!, p);
    h.run([approval]);
    const [r] = history(h);
    expect(r).toMatchObject({
      id: toHex(tracingCode(p)),
      outcome: 'executed',
      proposer: idOf(a0!.publicKey),
      approvals: [idOf(a0!.publicKey), idOf(a1!.publicKey)],
      proposedAt: 1,
      height: 2,
      closedBy: toHex(tracingCode(approval)),
      reason: 0,
      changes: [{ kind: 'site', op: 'enter', id: idOf(site(9).key.publicKey), to: null, at: 2 }],
    });
    expect(h.contracts.state.get(K.proposal(r!.id))).toBeUndefined();
  });

  it('records admin and validator entries and withdrawals, and a failed execution', () => {
    const h = new Harness({ threshold: 1 });
    const [a0, a1] = h.chain.admins;
    const fresh = keyPair(77);
    h.run([h.propose(a0!, { type: 'setAdmins', admins: [a0!.publicKey, fresh.publicKey], threshold: 1 })]);
    const v = h.contracts.validators(1).map((k) => ({ publicKey: k }));
    const newV = keyPair(78).publicKey;
    h.run([
      h.propose(a0!, {
        type: 'setValidators',
        validators: [...v.slice(1), { publicKey: newV }],
        activateAt: 50,
      }),
    ]);
    // Activation in the past: the threshold is met, the action fails, the proposal closes as failed.
    h.run([h.propose(a0!, { type: 'setValidators', validators: v, activateAt: 1 })]);
    const [admins, validators, failed] = history(h);
    expect(admins!.changes).toEqual(
      expect.arrayContaining([
        { kind: 'admin', op: 'enter', id: idOf(fresh.publicKey), to: null, at: 1 },
        { kind: 'admin', op: 'leave', id: idOf(a1!.publicKey), to: null, at: 1 },
      ]),
    );
    expect(validators!.changes).toEqual([
      { kind: 'validator', op: 'enter', id: toHex(newV), to: null, at: 50 },
      { kind: 'validator', op: 'leave', id: toHex(v[0]!.publicKey), to: null, at: 50 },
    ]);
    expect(failed).toMatchObject({ outcome: 'failed', reason: Reason.ActivationNotInFuture, changes: [] });
  });

  it('closes expired proposals as expired, on approval or swept by any other call', () => {
    const h = new Harness({ threshold: 3 });
    const [a0, a1] = h.chain.admins;
    const p1 = h.propose(a0!, register(9), h.time() + 1500);
    const p2 = h.propose(a0!, register(10), h.time() + 1500);
    h.run([p1, p2]);
    h.run([]);
    h.run([]);
    h.run([h.approve(a1!, p1)]);
    const rs = history(h);
    expect(rs.map((r) => [r.id, r.outcome])).toEqual([
      [toHex(tracingCode(p1)), 'expired'],
      [toHex(tracingCode(p2)), 'expired'],
    ]);
    expect(h.contracts.state.keys(K.proposal(''))).toEqual([]);
  });

  it('keeps only the last HISTORY_LIMIT entries, in closing order', () => {
    const h = new Harness({ threshold: 1 });
    const a0 = h.chain.admins[0]!;
    for (let i = 0; i < HISTORY_LIMIT + 3; i++)
      h.run([h.propose(a0, { type: 'retireScpKey', scpKeyId: new Uint8Array(16).fill(i) })]);
    const rs = history(h);
    expect(rs).toHaveLength(HISTORY_LIMIT);
    expect(rs[0]!.height).toBe(4);
    expect(rs.at(-1)!.height).toBe(HISTORY_LIMIT + 3);
  });
});
