import { describe, expect, it } from 'vitest';
import { AllowedPeers } from '../../../node/allowed-peers.js';
import { Harness } from '../ledger/helpers.js';

describe('AllowedPeers', () => {
  it('admits a scheduled validator before its height and drops a removed one after it', async () => {
    const h = new Harness();
    const calls: string[][] = [];
    const p2p = {
      setAllowedPeers: async (keys: readonly Uint8Array[]) =>
        void calls.push(keys.map((k) => Buffer.from(k).toString('hex'))),
    };
    const allowed = new AllowedPeers(h.contracts, p2p, 0);
    await allowed.update(1);
    expect(calls).toHaveLength(0);
    const old = h.chain.validators.map((v) => v.publicKey);
    const next = [...old.slice(1), new Uint8Array(32).fill(9)];
    const receipts = h.enact({
      type: 'setValidators',
      validators: next.map((publicKey) => ({ publicKey })),
      activateAt: 10,
    });
    expect(receipts.every((r) => r.status === 1)).toBe(true);
    await allowed.update(h.height);
    expect(calls.at(-1)).toHaveLength(5);
    await allowed.update(9);
    expect(calls.at(-1)).toEqual(next.map((k) => Buffer.from(k).toString('hex')));
  });
});
