// The admin's receipts (platform/admin-client.ts): a node's "committed" counts only with the
// call's trace verified against the validator set a light client follows from the genesis; a
// forged claim is VERIFICATION_FAILED (the failover then asks the next node), a pending one passes.
import { describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiErrorCode } from '../../../api/errors.js';
import { LightClient } from '../../../api/light-client.js';
import { ReceiptState, type ReceiptView } from '../../../api/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { provenReceipt } from '../../../platform/admin-client.js';
import { fakeEnvelope } from '../api/chain-fixture.js';
import { FakeProofs } from '../site/fake-proofs.js';

const chainId = new Uint8Array(32).fill(3);
const calls = [1, 2, 3].map((i) => fakeEnvelope(i, chainId));

function node(proofs: FakeProofs, trace: (tc: Uint8Array) => unknown): BkdmsClient {
  const receipt: ReceiptView = {
    tracingCode: new Uint8Array(32),
    state: ReceiptState.Committed,
    height: 1,
    index: 0,
    result: '',
    blockTime: 0,
  };
  return Object.assign(Object.create(BkdmsClient.prototype) as BkdmsClient, {
    getReceipt: async () => receipt,
    trace: async (tc: Uint8Array) => trace(tc),
    getState: async (key: string) => ({ entries: [], height: proofs.height, proof: proofs.prove([key]) }),
  });
}

describe('provenReceipt', () => {
  it('takes a committed receipt with its verified trace, refuses one whose trace is of another call', async () => {
    const proofs = new FakeProofs(chainId);
    proofs.commit([calls[2]!]);
    proofs.commit([calls[0]!]);
    const light = new LightClient({ chainId, validators: proofs.validators });
    const honest = node(proofs, (tc) => proofs.trace(tc));
    expect((await provenReceipt(honest, light, tracingCode(calls[0]!))).state).toBe(ReceiptState.Committed);
    // Block 2 is above what the genesis anchor proves: the light client synced first.
    expect(light.provenHeight).toBe(3);
    // Claims call 2 committed and serves call 1's genuine trace.
    const lying = node(proofs, () => proofs.trace(tracingCode(calls[0]!)));
    await expect(provenReceipt(lying, light, tracingCode(calls[1]!))).rejects.toMatchObject({
      code: ApiErrorCode.VerificationFailed,
    });
  });
});
