// Misbehaviour freezes a light client (with its evidence kept); a frozen client accepts nothing;
// governance recovers it from an active substitute client of the same chain.
import { describe, expect, it } from 'vitest';
import { ReceiptStatus } from '../../../../ledger/execution.js';
import { Reason } from '../../../../ledger/reasons.js';
import { ClientStatus, type MisbehaviourRecord, XK } from '../../../../ledger/xchain/records.js';
import { CLIENT, XchainFixture } from './fixture.js';

const applied = { status: ReceiptStatus.Applied, reason: Reason.None };
const refused = (reason: Reason) => ({ status: ReceiptStatus.Rejected, reason });
const part = (b: { header: Uint8Array; certificate: Uint8Array }) => ({
  header: b.header,
  certificate: b.certificate,
});

describe('submitMisbehaviour', () => {
  it('freezes on two certified headers of one height with different hashes and keeps the evidence', () => {
    const f = new XchainFixture();
    const a = f.remote.header({ height: 3 });
    const b = f.remote.header({ height: 3, fill: 9 });
    expect(f.send({ type: 'submitMisbehaviour', clientId: CLIENT, first: part(a), second: part(b) })).toEqual(
      applied,
    );
    expect(f.status()).toBe(ClientStatus.Frozen);
    expect(f.client().frozenHeight).toBe(3);
    const ev = f.local.contracts.state.get<MisbehaviourRecord>(XK.misbehaviour(CLIENT))!;
    expect(ev.first?.header).toBe(Buffer.from(a.header).toString('hex'));
    expect(ev.second.header).toBe(Buffer.from(b.header).toString('hex'));
    // Frozen: nothing more is accepted.
    const next = f.remote.advance(3);
    expect(f.send({ type: 'updateClient', clientId: CLIENT, headers: [f.remote.update(next)] })).toEqual(
      refused(Reason.ClientFrozen),
    );
    expect(f.send({ type: 'submitMisbehaviour', clientId: CLIENT, first: part(a), second: part(b) })).toEqual(
      refused(Reason.ClientFrozen),
    );
  });

  it('refuses what is not misbehaviour: the same header twice, two heights, an uncertified header', () => {
    const f = new XchainFixture();
    const a = f.remote.header({ height: 3 });
    const send = (first: typeof a, second: typeof a) =>
      f.send({ type: 'submitMisbehaviour', clientId: CLIENT, first: part(first), second: part(second) });
    expect(send(a, a)).toEqual(refused(Reason.NotMisbehaviour));
    expect(send(a, f.remote.header({ height: 4, fill: 1 }))).toEqual(refused(Reason.NotMisbehaviour));
    expect(send(a, f.remote.header({ height: 3, fill: 1, signers: [0, 1] }))).toEqual(
      refused(Reason.NotMisbehaviour),
    );
    expect(f.status()).toBe(ClientStatus.Active);
  });

  it('freezes when an update brings a certified header conflicting with a held consensus state', () => {
    const f = new XchainFixture();
    const fork = f.remote.header({ height: 2, fill: 5 });
    expect(
      f.send({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [{ ...part(fork), scheduleProof: new Uint8Array() }],
      }),
    ).toEqual(applied);
    expect(f.status()).toBe(ClientStatus.Frozen);
    const ev = f.local.contracts.state.get<MisbehaviourRecord>(XK.misbehaviour(CLIENT))!;
    expect(ev.heldBlockHash).toBe(Buffer.from(f.remote.block(2).hash).toString('hex'));
  });
});

describe('recoverClient', () => {
  it('restores a frozen client from an active substitute ahead of it, by governance only', () => {
    const f = new XchainFixture();
    const a = f.remote.header({ height: 3 });
    const b = f.remote.header({ height: 3, fill: 9 });
    f.send({ type: 'submitMisbehaviour', clientId: CLIENT, first: part(a), second: part(b) });
    f.remote.advance(3);
    expect(f.register(9, 5)[1]).toEqual(applied);
    // The substitute must be ahead: client 9 behind it cannot substitute (proposal fails).
    expect(f.local.enact({ type: 'recoverClient', clientId: 9, substituteId: CLIENT })[1]).toEqual(
      refused(Reason.CannotRecover),
    );
    expect(f.local.enact({ type: 'recoverClient', clientId: CLIENT, substituteId: 9 })[1]).toEqual(applied);
    expect(f.status()).toBe(ClientStatus.Active);
    expect(f.client().latestHeight).toBe(5);
    expect(f.consensus(2)).toBeUndefined();
    expect(f.consensus(5)?.blockHash).toBe(Buffer.from(f.remote.block(5).hash).toString('hex'));
    expect(f.client().relayers).toEqual([Buffer.from(f.relayer.publicKey).toString('hex')]);
    // An active subject needs no recovery.
    f.remote.advance(1);
    expect(f.register(10, 6)[1]).toEqual(applied);
    expect(f.local.enact({ type: 'recoverClient', clientId: CLIENT, substituteId: 10 })[1]).toEqual(
      refused(Reason.CannotRecover),
    );
  });
});
