// Readiness: synced and reaching a quorum (2f+1 of 3f+1) of validators, counting itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quorumSize, readiness } from '../../../node/mgmt/health.js';

describe('readiness', () => {
  it('quorum is 2f+1 for n = 3f+1 and always more than two thirds', () => {
    expect([1, 4, 7, 10].map(quorumSize)).toEqual([1, 3, 5, 7]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (n) => 3 * quorumSize(n) > 2 * n && quorumSize(n) <= n),
    );
  });

  it('is not ready while catching up, whatever the peers', () => {
    const h = readiness({ synced: false, connectedValidators: 3, validatorCount: 4, isValidator: true });
    expect(h).toEqual({ ready: false, reason: 'catching up with the chain' });
  });

  it('needs a quorum of reachable validators, itself included when it is one', () => {
    expect(
      readiness({ synced: true, connectedValidators: 2, validatorCount: 4, isValidator: true }).ready,
    ).toBe(true);
    expect(readiness({ synced: true, connectedValidators: 1, validatorCount: 4, isValidator: true })).toEqual(
      {
        ready: false,
        reason: 'reaches 2 validators, a quorum needs 3',
      },
    );
    expect(
      readiness({ synced: true, connectedValidators: 2, validatorCount: 4, isValidator: false }).ready,
    ).toBe(false);
    expect(
      readiness({ synced: true, connectedValidators: 3, validatorCount: 4, isValidator: false }).ready,
    ).toBe(true);
  });
});
