// verifyMembership and recordRemoteFact: remote envelopes and state values proven against a
// consensus state the light client holds; false proofs refused.
import { describe, expect, it } from 'vitest';
import { encodeStateProof } from '../../../../codec/state-proof.js';
import { ReceiptStatus } from '../../../../ledger/execution.js';
import { Reason } from '../../../../ledger/reasons.js';
import { verifyMembership } from '../../../../ledger/xchain/membership.js';
import { type FactRecord, XK } from '../../../../ledger/xchain/records.js';
import { CLIENT, XchainFixture } from './fixture.js';

const applied = { status: ReceiptStatus.Applied, reason: Reason.None };
const refused = (reason: Reason) => ({ status: ReceiptStatus.Rejected, reason });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function fixture(): XchainFixture {
  const f = new XchainFixture();
  const b5 = f.remote.advance(3);
  f.send({ type: 'updateClient', clientId: CLIENT, headers: [f.remote.update(b5)] });
  return f;
}

describe('verifyMembership', () => {
  it('records an envelope of the anchor block and of an earlier block (through the block-hash log)', () => {
    const f = fixture();
    const own = f.remote.envelopeProof(5, 1, 5);
    expect(f.send({ type: 'recordRemoteFact', clientId: CLIENT, height: 5, proof: own })).toEqual(applied);
    const earlier = f.remote.envelopeProof(3, 2, 5);
    expect(f.send({ type: 'recordRemoteFact', clientId: CLIENT, height: 5, proof: earlier })).toEqual(
      applied,
    );
    const fact = f.local.contracts.state.get<FactRecord>(XK.fact(CLIENT, hex(earlier.tracingCode)))!;
    expect(fact).toMatchObject({
      kind: 'envelope',
      anchorHeight: 5,
      remoteHeight: 3,
      blockHash: hex(f.remote.block(3).hash),
    });
    expect(f.send({ type: 'recordRemoteFact', clientId: CLIENT, height: 5, proof: earlier })).toEqual(
      refused(Reason.FactExists),
    );
  });

  it('refuses a tracing code not in the block, a wrong log proof and a height without consensus state', () => {
    const f = fixture();
    const state = f.local.contracts.state;
    const now = f.local.time(f.local.height);
    const good = f.remote.envelopeProof(3, 0, 5);
    expect(verifyMembership(state, CLIENT, 5, good, now).ok).toBe(true);
    const wrongCode = { ...good, tracingCode: new Uint8Array(32).fill(1) };
    expect(verifyMembership(state, CLIENT, 5, wrongCode, now)).toEqual({
      ok: false,
      reason: Reason.BadRemoteProof,
    });
    const wrongLog = { ...good, logProof: f.remote.envelopeProof(4, 0, 5).logProof };
    expect(verifyMembership(state, CLIENT, 5, wrongLog, now)).toEqual({
      ok: false,
      reason: Reason.BadRemoteProof,
    });
    // A block above the anchor cannot be proven by it.
    expect(verifyMembership(state, CLIENT, 2, good, now)).toEqual({
      ok: false,
      reason: Reason.BadRemoteProof,
    });
    expect(verifyMembership(state, CLIENT, 4, good, now)).toEqual({
      ok: false,
      reason: Reason.NoConsensusState,
    });
    expect(f.send({ type: 'recordRemoteFact', clientId: CLIENT, height: 5, proof: wrongCode })).toEqual(
      refused(Reason.BadRemoteProof),
    );
  });

  it('proves a remote state value against the consensus state root, and refuses a tampered one', () => {
    const f = fixture();
    const proof = f.remote.stateProofAt(f.remote.block(5), 'remote/data');
    const call = { kind: 'state' as const, key: 'remote/data', stateProof: encodeStateProof(proof) };
    const now = f.local.time(f.local.height);
    expect(verifyMembership(f.local.contracts.state, CLIENT, 5, call, now)).toEqual({
      ok: true,
      value: { kind: 'state', key: 'remote/data', value: '{"pm25":12}' },
    });
    const entries = proof.entries.map((e) => ({
      key: e.key,
      value: new TextEncoder().encode('{"pm25":99}'),
    }));
    const tampered = { ...call, stateProof: encodeStateProof({ ...proof, entries }) };
    expect(verifyMembership(f.local.contracts.state, CLIENT, 5, tampered, now)).toEqual({
      ok: false,
      reason: Reason.BadRemoteProof,
    });
    expect(f.send({ type: 'recordRemoteFact', clientId: CLIENT, height: 5, proof: call })).toEqual(applied);
  });

  it('refuses proofs against a frozen client', () => {
    const f = fixture();
    const a = f.remote.header({ height: 6 });
    const b = f.remote.header({ height: 6, fill: 3 });
    const part = (x: typeof a) => ({ header: x.header, certificate: x.certificate });
    f.send({ type: 'submitMisbehaviour', clientId: CLIENT, first: part(a), second: part(b) });
    const proof = f.remote.envelopeProof(5, 0, 5);
    expect(f.send({ type: 'recordRemoteFact', clientId: CLIENT, height: 5, proof })).toEqual(
      refused(Reason.ClientFrozen),
    );
  });
});
