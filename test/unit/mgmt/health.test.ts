// Readiness: synced and reaching a quorum of validators, counting itself when it is one.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../node/mgmt/health.js';

describe('readiness', () => {
  it('is not ready while catching up, whatever the peers', () => {
    const h = readiness({ synced: false, connectedValidators: 3, quorum: 3, isValidator: true });
    expect(h).toEqual({ ready: false, reason: 'catching up with the chain' });
  });

  it('needs a quorum of reachable validators, itself included when it is one', () => {
    expect(readiness({ synced: true, connectedValidators: 2, quorum: 3, isValidator: true })).toEqual({
      ready: true,
    });
    expect(readiness({ synced: true, connectedValidators: 1, quorum: 3, isValidator: true })).toEqual({
      ready: false,
      reason: 'reaches 2 validators, a quorum needs 3',
    });
    expect(readiness({ synced: true, connectedValidators: 2, quorum: 3, isValidator: false }).ready).toBe(
      false,
    );
    expect(readiness({ synced: true, connectedValidators: 3, quorum: 3, isValidator: false }).ready).toBe(
      true,
    );
  });
});
