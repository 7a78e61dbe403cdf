// The cross-chain call vectors of docs/wire-format.md §5.3 (cross-chain calls): the envelope
// header of the other contract-call vectors, the block-header and commit-certificate vectors as
// the remote header and certificate, opaque proof bytes (the codec frames them; the contract
// decodes them).
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { type ContractCallEnvelope, EnvelopeKind } from '../../../codec/types.js';
import { header, vectorCertificate, vectorHeader } from './vectors.js';

const remote = {
  header: encodeBlockHeader(vectorHeader),
  certificate: encodeCommitCertificate(vectorCertificate),
};
const call = (c: ContractCallEnvelope['call']): ContractCallEnvelope => ({
  kind: EnvelopeKind.ContractCall,
  ...header,
  call: c,
});

export const vectorUpdateClient = call({
  type: 'updateClient',
  clientId: 7,
  headers: [{ ...remote, scheduleProof: new Uint8Array([0xab, 0xcd]) }],
});

export const vectorMisbehaviour = call({
  type: 'submitMisbehaviour',
  clientId: 7,
  first: remote,
  second: remote,
});

export const vectorRemoteEnvelope = call({
  type: 'recordRemoteFact',
  clientId: 7,
  height: 300,
  proof: {
    kind: 'envelope',
    header: remote.header,
    logProof: new Uint8Array([0x01, 0x02]),
    tracingCode: new Uint8Array(32).fill(0x77),
    txProof: new Uint8Array([0x03]),
  },
});

export const vectorRemoteState = call({
  type: 'recordRemoteFact',
  clientId: 7,
  height: 300,
  proof: { kind: 'state', key: 'gov/admins', stateProof: new Uint8Array([0x04, 0x05]) },
});

export const vectorRegisterCounterparty = call({
  type: 'propose',
  expiresAt: 1_700_086_400_000,
  action: {
    type: 'registerCounterparty',
    clientId: 7,
    trustedHeader: remote.header,
    validators: [new Uint8Array(32).fill(0x61), new Uint8Array(32).fill(0x62)],
    trustingPeriodMs: 1_209_600_000,
    maxClockDriftMs: 10_000,
    relayers: [new Uint8Array(32).fill(0x71)],
  },
});

export const vectorRecoverClient = call({
  type: 'propose',
  expiresAt: 1_700_086_400_000,
  action: { type: 'recoverClient', clientId: 7, substituteId: 8 },
});
