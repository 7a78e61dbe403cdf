// `bkdms xchain` views: status and time to expiry judged at the time given (the proving header's).
import { describe, expect, it } from 'vitest';
import { clientView, formatClientLine, statusSummary } from '../../../cli/xchain-view.js';
import type { ClientRecord, ConsensusRecord } from '../../../ledger/xchain/records.js';

const client: ClientRecord = {
  clientId: 3,
  chainId: 'ab'.repeat(32),
  trustingPeriodMs: 90_000,
  maxClockDriftMs: 1000,
  relayers: ['cd'.repeat(32)],
  latestHeight: 10,
  heights: [8, 10],
  schedule: [{ activateAt: 8, value: ['ef'.repeat(32)] }],
  provenAt: 8,
  frozenHeight: 0,
  since: 1,
};
const latest = { height: 10, time: 1_000_000 } as ConsensusRecord;

describe('xchain views', () => {
  it('counts down to expiry from the latest consensus time and flips to Expired', () => {
    const v = clientView(client, latest, 1_000_000 + 70_000);
    expect(v).toMatchObject({ status: 'Active', msToExpiry: 20_000, consensusStates: 2 });
    expect(statusSummary([v])).toEqual({ clients: 1, active: 1, frozen: 0, expired: 0, expiringSoon: [3] });
    expect(clientView(client, latest, 1_000_000 + 90_000).status).toBe('Expired');
    expect(statusSummary([clientView(client, latest, 1_000_000 + 10_000)]).expiringSoon).toEqual([]);
  });

  it('a frozen client has no expiry and says where it froze', () => {
    const v = clientView({ ...client, frozenHeight: 9 }, latest, 1_000_000);
    expect(v).toMatchObject({ status: 'Frozen', msToExpiry: null, expiresAt: null });
    expect(formatClientLine(v)).toContain('frozen at remote height 9');
  });
});
