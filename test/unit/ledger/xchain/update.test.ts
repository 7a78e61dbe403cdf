// The light-client contract's registration and update rules: certificates of the trusted set only,
// validator-set changes followed through schedule proofs, duplicates refused cleanly, time bounds.
import { describe, expect, it } from 'vitest';
import { encodeStateProof } from '../../../../codec/state-proof.js';
import { ReceiptStatus } from '../../../../ledger/execution.js';
import { Reason } from '../../../../ledger/reasons.js';
import { ClientStatus } from '../../../../ledger/xchain/records.js';
import { CLIENT, XchainFixture } from './fixture.js';
import { keys } from './remote-chain.js';

const applied = { status: ReceiptStatus.Applied, reason: Reason.None };
const refused = (reason: Reason) => ({ status: ReceiptStatus.Rejected, reason });

describe('registerCounterparty', () => {
  it('stores the client and the trusted consensus state', () => {
    const f = new XchainFixture();
    const c = f.client();
    expect(c.chainId).toBe(Buffer.from(f.remote.chainId).toString('hex'));
    expect(c.latestHeight).toBe(2);
    expect(f.status()).toBe(ClientStatus.Active);
    const cons = f.consensus(2)!;
    expect(cons.blockHash).toBe(Buffer.from(f.remote.block(2).hash).toString('hex'));
    expect(cons.time).toBe(f.remote.block(2).decoded.time);
    expect(cons.stateRoot).toBe(Buffer.from(f.remote.block(2).decoded.stateRoot).toString('hex'));
    expect(cons.nextValidatorSetHash).toBe(cons.validatorSetHash);
  });

  it('refuses a validator set that is not the one the trusted header names, and a taken ID', () => {
    const f = new XchainFixture();
    const wrong = { ...f.registration(8, 2), validators: keys(60, 4).map((k) => k.publicKey) };
    expect(f.local.enact(wrong)[1]).toEqual(refused(Reason.UnknownValidatorSet));
    expect(f.register(CLIENT, 2)[1]).toEqual(refused(Reason.ClientExists));
  });
});

describe('updateClient', () => {
  it('accepts a header certified by 2f+1 of the trusted set, signed by a listed relayer', () => {
    const f = new XchainFixture();
    const b = f.remote.advance(1);
    expect(f.send({ type: 'updateClient', clientId: CLIENT, headers: [f.remote.update(b)] })).toEqual(
      applied,
    );
    expect(f.client().latestHeight).toBe(3);
    expect(f.consensus(3)?.blockHash).toBe(Buffer.from(b.hash).toString('hex'));
  });

  it('refuses a forged certificate and one with too few signers', () => {
    const f = new XchainFixture();
    f.remote.advance(1);
    const forged = f.remote.header({ height: 3, set: keys(20, 3).concat(keys(70, 1)), signers: [1, 2, 3] });
    // The forged header names a set the client does not hold: refused before signatures.
    expect(
      f.send({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [{ ...forged, scheduleProof: new Uint8Array() }],
      }),
    ).toEqual(refused(Reason.UnknownValidatorSet));
    const genuine = f.remote.block(3);
    const other = f.remote.header({ height: 3, fill: 1 });
    // A certificate over another block, offered with this header: the signatures do not match it.
    const swapped = {
      header: genuine.header,
      certificate: other.certificate,
      scheduleProof: new Uint8Array(),
    };
    expect(f.send({ type: 'updateClient', clientId: CLIENT, headers: [swapped] })).toEqual(
      refused(Reason.BadRemoteCertificate),
    );
    const impostors = f.remote.header({ height: 3, signWith: keys(70, 4) });
    expect(
      f.send({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [{ ...impostors, scheduleProof: new Uint8Array() }],
      }),
    ).toEqual(refused(Reason.BadRemoteCertificate));
    const few = f.remote.header({ height: 3, signers: [0, 1] });
    expect(
      f.send({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [{ ...few, scheduleProof: new Uint8Array() }],
      }),
    ).toEqual(refused(Reason.BadRemoteCertificate));
    expect(f.client().latestHeight).toBe(2);
  });

  it('rejects a duplicate update cleanly and keeps the new headers of a partly duplicate one', () => {
    const f = new XchainFixture();
    const b3 = f.remote.advance(1);
    const b4 = f.remote.advance(1);
    const u = { type: 'updateClient' as const, clientId: CLIENT, headers: [f.remote.update(b3)] };
    expect(f.send(u)).toEqual(applied);
    expect(f.send(u)).toEqual(refused(Reason.DuplicateUpdate));
    expect(f.send({ ...u, headers: [f.remote.update(b3), f.remote.update(b4)] })).toEqual(applied);
    expect(f.client().heights).toEqual([2, 3, 4]);
  });

  it('refuses signers that are neither administrators nor relayers of the client', () => {
    const f = new XchainFixture();
    const b = f.remote.advance(1);
    const stranger = keys(99, 1)[0]!;
    const u = { type: 'updateClient' as const, clientId: CLIENT, headers: [f.remote.update(b)] };
    expect(f.send(u, stranger)).toEqual(refused(Reason.NotAdmin));
    // A relayer of client 7 only: client 8 (registered without it) refuses it.
    const other = { ...f.registration(8, 2), relayers: [keys(98, 1)[0]!.publicKey] };
    expect(f.local.enact(other)[1]).toEqual(applied);
    expect(f.send({ ...u, clientId: 8 })).toEqual(refused(Reason.NotRelayer));
    // A relayer may not use governance.
    const p = f.local.propose(f.relayer, { type: 'recoverClient', clientId: 7, substituteId: 8 });
    expect(f.local.run([p])[0]).toEqual(refused(Reason.NotAdmin));
  });

  it('refuses a header too far ahead of the local block time, or out of time order', () => {
    const f = new XchainFixture();
    const future = f.remote.header({ height: 3, time: f.local.time() + 60_000 });
    expect(
      f.send({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [{ ...future, scheduleProof: new Uint8Array() }],
      }),
    ).toEqual(refused(Reason.BadRemoteHeader));
    const early = f.remote.header({ height: 3, time: f.remote.block(2).decoded.time });
    expect(
      f.send({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [{ ...early, scheduleProof: new Uint8Array() }],
      }),
    ).toEqual(refused(Reason.BadRemoteHeader));
  });

  it('follows a validator-set change proven by the set before it, and refuses it unproven', () => {
    const f = new XchainFixture();
    const next = keys(40, 4);
    f.remote.advance(1);
    f.remote.scheduleSet(8, next); // executed at remote height 3, activates at 8
    const b4 = f.remote.advance(1); // its stateRoot shows the new schedule
    f.remote.advance(4);
    const b9 = f.remote.advance(1);
    expect(b9.height).toBe(9);
    const u9 = { type: 'updateClient' as const, clientId: CLIENT, headers: [f.remote.update(b9)] };
    expect(f.send(u9)).toEqual(refused(Reason.UnknownValidatorSet));
    expect(f.send({ ...u9, headers: [f.remote.update(b4, true)] })).toEqual(applied);
    expect(f.client().provenAt).toBe(4);
    expect(f.consensus(4)?.nextValidatorSetHash).toBe(f.consensus(4)?.validatorSetHash);
    expect(f.send(u9)).toEqual(applied);
    expect(f.client().latestHeight).toBe(9);
  });

  it('refuses a schedule proof that does not lead to the header state root', () => {
    const f = new XchainFixture();
    const b3 = f.remote.advance(1);
    f.remote.scheduleSet(8, keys(40, 4)); // after b3 was built: b3's stateRoot is the old state
    const proof = encodeStateProof(f.remote.stateProofAt(b3, 'gov/validators'));
    const u = { header: b3.header, certificate: b3.certificate, scheduleProof: proof };
    expect(f.send({ type: 'updateClient', clientId: CLIENT, headers: [u] })).toEqual(
      refused(Reason.BadScheduleProof),
    );
  });

  it('expires once the latest consensus state is a trusting period old, judged at the local block time', () => {
    const f = new XchainFixture({ trustingPeriodMs: 30_000 });
    const b = f.remote.advance(1);
    f.local.height += 40; // forty seconds of local blocks without an update
    expect(f.status()).toBe(ClientStatus.Expired);
    expect(f.send({ type: 'updateClient', clientId: CLIENT, headers: [f.remote.update(b)] })).toEqual(
      refused(Reason.ClientExpired),
    );
  });
});
