// The governance view from contract-state entries: admins by key ID, the validator set and
// parameters in force at the read height, open proposals (missing admins, approvals needed,
// expiry), closed ones newest first; and when the page offers the console's key an approval.
import { describe, expect, it } from 'vitest';
import { readGovernance } from '../../../console/governance.js';
import { mayApprove } from '../../../console/web/series.js';
import { toHex } from '../../../crypto/bytes.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { K } from '../../../ledger/records.js';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const pub = (b: number): string => b.toString(16).padStart(2, '0').repeat(32);
const id = (p: string): string => toHex(keyIdOf(Buffer.from(p, 'hex')));

const [a, b, c] = [pub(1), pub(2), pub(3)];
const state: Record<string, { key: string; value: unknown }[]> = {
  [K.admins]: [{ key: K.admins, value: { admins: [a, b, c], threshold: 2 } }],
  [K.validators]: [
    {
      key: K.validators,
      value: [
        { activateAt: 0, value: [pub(9), pub(10)] },
        { activateAt: 40, value: [pub(9), pub(10), pub(11)] },
        { activateAt: 90, value: [pub(9)] },
      ],
    },
  ],
  [K.params]: [
    { key: K.params, value: [{ activateAt: 0, value: { periodMs: 200, maxBlockEnvelopes: 10 } }] },
  ],
  [K.proposal('')]: [
    {
      key: K.proposal('ab'.repeat(32)),
      value: {
        action: { type: 'setAdmins' },
        proposer: id(a),
        approvals: [id(a)],
        expiresAt: 5_000,
        height: 7,
      },
    },
    {
      key: K.proposal('cd'.repeat(32)),
      value: {
        action: { type: 'revokeSite' },
        proposer: id(b),
        approvals: [id(b)],
        expiresAt: 500,
        height: 8,
      },
    },
  ],
  [K.historyPrefix]: [
    {
      key: 'gov/history/000000000001',
      value: {
        id: '01',
        action: { type: 'setParams' },
        outcome: 'executed',
        reason: 0,
        height: 3,
        approvals: [],
        changes: [],
      },
    },
    {
      key: 'gov/history/000000000002',
      value: {
        id: '02',
        action: { type: 'setAdmins' },
        outcome: 'expired',
        reason: 99999,
        height: 5,
        approvals: [],
        changes: [],
      },
    },
  ],
};

const read = async (key: string) => ({
  height: 50,
  entries: (state[key] ?? []).map((e) => ({ key: e.key, value: enc(e.value) })),
});

describe('governance view', () => {
  it('marks what is in force at the read height and what is scheduled', async () => {
    const g = await readGovernance(read, 1_000);
    expect(g.height).toBe(50);
    expect(g.admins.map((x) => x.keyId)).toEqual([id(a), id(b), id(c)]);
    expect(g.threshold).toBe(2);
    expect(g.validators.map((v) => v.current)).toEqual([false, true, false]);
    expect(g.params[0]?.current).toBe(true);
  });

  it('lists open proposals with who is missing, approvals needed and expiry', async () => {
    const g = await readGovernance(read, 1_000);
    const [p, q] = g.open;
    expect(p).toMatchObject({
      id: 'ab'.repeat(32),
      type: 'setAdmins',
      needed: 1,
      expired: false,
      proposedAt: 7,
    });
    expect(p?.missing).toEqual([id(b), id(c)]);
    expect(q?.expired).toBe(true);
  });

  it('lists closed proposals newest first with the reason of a failure', async () => {
    const g = await readGovernance(read, 1_000);
    expect(g.closed.map((x) => x.id)).toEqual(['02', '01']);
    expect(g.closed[1]?.reason).toBe('');
    expect(g.closed[0]?.reason).toBe('99999');
  });

  it('offers an approval only to a missing admin on an unexpired proposal', async () => {
    const [p, q] = (await readGovernance(read, 1_000)).open;
    if (p === undefined || q === undefined) throw new Error('no proposals');
    expect(mayApprove(p, id(b))).toBe(true);
    expect(mayApprove(p, id(a))).toBe(false);
    expect(mayApprove(p, undefined)).toBe(false);
    expect(mayApprove(p, id(pub(7)))).toBe(false);
    expect(mayApprove(q, id(a))).toBe(false);
  });
});
