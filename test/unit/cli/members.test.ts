// `chain members` derivation: validators from their schedule, admins and sites from the history's
// membership changes, genesis members at height 0, and an honest "incomplete" once the bounded
// history has dropped its first entries.
import { describe, expect, it } from 'vitest';
import { membership } from '../../../cli/members.js';
import { type HistoryRecord, historyKey, type MemberChange } from '../../../ledger/gov-history.js';
import type { Genesis } from '../../../node/genesis.js';

function rec(id: string, changes: MemberChange[]): HistoryRecord {
  return {
    id,
    action: { type: 'x' },
    proposer: 'p',
    approvals: ['p'],
    proposedAt: 1,
    expiresAt: 0,
    outcome: 'executed',
    height: 1,
    closedBy: '',
    reason: 0,
    changes,
  };
}

const site = (op: MemberChange['op'], id: string, at: number): MemberChange => ({
  kind: 'site',
  op,
  id,
  to: null,
  at,
});

describe('chain members', () => {
  it('lists validator entries and withdrawals from the schedule and site changes from the history', () => {
    const validators = [
      { activateAt: 0, value: ['v1', 'v2', 'v3', 'v4'] },
      { activateAt: 40, value: ['v2', 'v3', 'v4', 'v5'] },
    ];
    const history = [
      { key: historyKey(1), record: rec('a', [site('enter', 's9', 7)]) },
      {
        key: historyKey(2),
        record: rec('b', [
          site('leave', 's9', 12),
          { kind: 'validator', op: 'enter', id: 'v5', to: null, at: 40 },
        ]),
      },
    ];
    const genesis = { admins: [], sites: [{ publicKey: new Uint8Array(32) }] } as unknown as Genesis;
    const m = membership(validators, history, genesis);
    expect(m.events.filter((e) => e.height > 0)).toEqual([
      { height: 7, kind: 'site', op: 'enter', id: 's9', source: 'history', proposal: 'a' },
      { height: 12, kind: 'site', op: 'leave', id: 's9', source: 'history', proposal: 'b' },
      { height: 40, kind: 'validator', op: 'enter', id: 'v5', source: 'validator-schedule' },
      { height: 40, kind: 'validator', op: 'leave', id: 'v1', source: 'validator-schedule' },
    ]);
    expect(m.historyComplete).toBe(true);
    expect(m.sitesCount).toBe(1);
  });

  it('says when the history dropped entries, and then gives no sites count', () => {
    const m = membership([], [{ key: historyKey(5), record: rec('c', [site('enter', 's1', 3)]) }], {
      admins: [],
      sites: [],
    } as unknown as Genesis);
    expect(m.historyComplete).toBe(false);
    expect(m.sitesCount).toBeNull();
  });
});
