// The light client keeps at most MAX_CONSENSUS_STATES consensus states (several hundred certified
// headers to build and verify: a longer test).
import { describe, expect, it } from 'vitest';
import { ReceiptStatus } from '../../../../ledger/execution.js';
import { Reason } from '../../../../ledger/reasons.js';
import { MAX_CONSENSUS_STATES } from '../../../../ledger/xchain/records.js';
import { CLIENT, XchainFixture } from './fixture.js';

const applied = { status: ReceiptStatus.Applied, reason: Reason.None };

describe('consensus states', () => {
  it('keeps a bounded number of consensus states, dropping the oldest', () => {
    const f = new XchainFixture();
    const total = MAX_CONSENSUS_STATES + 3;
    for (let sent = 0; sent < total; ) {
      const batch = Array.from({ length: 8 }, () => f.remote.update(f.remote.advance(1)));
      f.local.height = f.remote.height - 2; // keep local time beside the remote's
      expect(f.send({ type: 'updateClient', clientId: CLIENT, headers: batch })).toEqual(applied);
      sent += batch.length;
    }
    expect(f.client().heights.length).toBe(MAX_CONSENSUS_STATES);
    expect(f.consensus(2)).toBeUndefined();
    expect(f.consensus(f.client().latestHeight)).toBeDefined();
  });
});
