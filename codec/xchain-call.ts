// Cross-chain contract calls and governance actions (docs/wire-format.md §Cross-chain calls,
// docs/cross-chain.md). The codec only frames the remote chain's bytes (headers, certificates,
// proofs) with bounded lengths; the light-client contract (ledger/xchain/) decodes and checks them.
import {
  BLOCK_HEADER_BYTES,
  HASH_BYTES,
  MAX_CERTIFICATE_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_STATE_KEY_BYTES,
  MAX_VALIDATORS,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { keysSize, readKeys, writeKeys } from './lists.js';
import type { Reader } from './reader.js';
import type {
  ClientHeaderUpdate,
  RegisterCounterparty,
  RemoteCertifiedHeader,
  RemoteProof,
  XchainCall,
} from './types.js';
import { checkInt, type Writer } from './writer.js';

/** Call type bytes of the cross-chain calls (after Propose = 1, Approve = 2). */
export enum XchainCallType {
  UpdateClient = 3,
  SubmitMisbehaviour = 4,
  RecordRemoteFact = 5,
}

/** Action type bytes of the cross-chain governance actions (after setParams layout 2 = 11). */
export const REGISTER_COUNTERPARTY_ACTION = 12;
export const RECOVER_CLIENT_ACTION = 13;

/** Headers one updateClient call may carry. */
export const MAX_XCHAIN_HEADERS = 8;
/** Relayer keys one client may list. */
export const MAX_XCHAIN_RELAYERS = 16;
/** Any proof carried inside a call: the envelope cap bounds it anyway. */
const MAX_PROOF = MAX_ENVELOPE_BYTES;

export enum RemoteProofKind {
  Envelope = 1,
  State = 2,
}

const ascii = new TextEncoder();
const text = new TextDecoder();

function badKey(field: string): CodecError {
  return new CodecError(CodecErrorCode.BadValue, `${field}: not printable ASCII`, { field });
}

function checkKey(key: string, field: string): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x21 || c > 0x7e)
      throw new CodecError(CodecErrorCode.InvalidInput, `${field}: not printable ASCII`, { field });
  }
  return ascii.encode(key);
}

function headerPartSize(h: RemoteCertifiedHeader): number {
  return BLOCK_HEADER_BYTES + 4 + h.certificate.length;
}

function writeHeaderPart(w: Writer, h: RemoteCertifiedHeader, field: string): void {
  w.bytes(h.header, BLOCK_HEADER_BYTES, `${field}.header`);
  w.bytes32(h.certificate, 1, MAX_CERTIFICATE_BYTES, `${field}.certificate`);
}

function readHeaderPart(r: Reader, field: string): RemoteCertifiedHeader {
  return {
    header: r.bytes(BLOCK_HEADER_BYTES, `${field}.header`),
    certificate: r.bytes32(1, MAX_CERTIFICATE_BYTES, `${field}.certificate`),
  };
}

function proofSize(p: RemoteProof): number {
  if (p.kind === 'envelope')
    return 1 + BLOCK_HEADER_BYTES + 4 + p.logProof.length + HASH_BYTES + 4 + p.txProof.length;
  return 1 + 2 + p.key.length + 4 + p.stateProof.length;
}

export function xchainCallSize(c: XchainCall): number {
  switch (c.type) {
    case 'updateClient':
      return 1 + 2 + 1 + c.headers.reduce((n, h) => n + headerPartSize(h) + 4 + h.scheduleProof.length, 0);
    case 'submitMisbehaviour':
      return 1 + 2 + headerPartSize(c.first) + headerPartSize(c.second);
    case 'recordRemoteFact':
      return 1 + 2 + 8 + proofSize(c.proof);
  }
}

export function writeXchainCall(w: Writer, c: XchainCall): void {
  switch (c.type) {
    case 'updateClient':
      w.u8(XchainCallType.UpdateClient).u16(c.clientId, 'call.clientId');
      checkInt(c.headers.length, 1, MAX_XCHAIN_HEADERS, 'call.headers');
      w.u8(c.headers.length);
      for (const h of c.headers) {
        writeHeaderPart(w, h, 'call.headers');
        w.bytes32(h.scheduleProof, 0, MAX_PROOF, 'call.headers.scheduleProof');
      }
      return;
    case 'submitMisbehaviour':
      w.u8(XchainCallType.SubmitMisbehaviour).u16(c.clientId, 'call.clientId');
      writeHeaderPart(w, c.first, 'call.first');
      writeHeaderPart(w, c.second, 'call.second');
      return;
    case 'recordRemoteFact': {
      w.u8(XchainCallType.RecordRemoteFact).u16(c.clientId, 'call.clientId').u64(c.height, 'call.height');
      const p = c.proof;
      if (p.kind === 'envelope') {
        w.u8(RemoteProofKind.Envelope).bytes(p.header, BLOCK_HEADER_BYTES, 'proof.header');
        w.bytes32(p.logProof, 0, MAX_PROOF, 'proof.logProof');
        w.bytes(p.tracingCode, HASH_BYTES, 'proof.tracingCode');
        w.bytes32(p.txProof, 1, MAX_PROOF, 'proof.txProof');
      } else if (p.kind === 'state') {
        w.u8(RemoteProofKind.State).bytes16(
          checkKey(p.key, 'proof.key'),
          1,
          MAX_STATE_KEY_BYTES,
          'proof.key',
        );
        w.bytes32(p.stateProof, 1, MAX_PROOF, 'proof.stateProof');
      } else throw new CodecError(CodecErrorCode.InvalidInput, 'proof.kind', { field: 'proof.kind' });
      return;
    }
  }
}

/** Reads the call after its type byte `type` (one of XchainCallType). */
export function readXchainCall(r: Reader, type: XchainCallType): XchainCall {
  const clientId = r.u16('call.clientId');
  if (type === XchainCallType.UpdateClient) {
    const n = r.length(r.u8('call.headers'), 1, MAX_XCHAIN_HEADERS, 'call.headers');
    const headers: ClientHeaderUpdate[] = [];
    for (let i = 0; i < n; i++) {
      const part = readHeaderPart(r, 'call.headers');
      headers.push({ ...part, scheduleProof: r.bytes32(0, MAX_PROOF, 'call.headers.scheduleProof') });
    }
    return { type: 'updateClient', clientId, headers };
  }
  if (type === XchainCallType.SubmitMisbehaviour) {
    const first = readHeaderPart(r, 'call.first');
    return { type: 'submitMisbehaviour', clientId, first, second: readHeaderPart(r, 'call.second') };
  }
  const height = r.u64('call.height');
  const kind = r.enumU8(RemoteProofKind.Envelope, RemoteProofKind.State, 'proof.kind');
  if (kind === RemoteProofKind.Envelope) {
    const header = r.bytes(BLOCK_HEADER_BYTES, 'proof.header');
    const logProof = r.bytes32(0, MAX_PROOF, 'proof.logProof');
    const tracingCode = r.bytes(HASH_BYTES, 'proof.tracingCode');
    const txProof = r.bytes32(1, MAX_PROOF, 'proof.txProof');
    return {
      type: 'recordRemoteFact',
      clientId,
      height,
      proof: { kind: 'envelope', header, logProof, tracingCode, txProof },
    };
  }
  const keyBytes = r.bytes16(1, MAX_STATE_KEY_BYTES, 'proof.key');
  for (const c of keyBytes) if (c < 0x21 || c > 0x7e) throw badKey('proof.key');
  const stateProof = r.bytes32(1, MAX_PROOF, 'proof.stateProof');
  return {
    type: 'recordRemoteFact',
    clientId,
    height,
    proof: { kind: 'state', key: text.decode(keyBytes), stateProof },
  };
}

type RecoverClient = { type: 'recoverClient'; clientId: number; substituteId: number };

export function registerCounterpartySize(a: RegisterCounterparty): number {
  return 2 + BLOCK_HEADER_BYTES + keysSize(a.validators) + 8 + 4 + keysSize(a.relayers);
}

export function writeRegisterCounterparty(w: Writer, a: RegisterCounterparty): void {
  w.u16(a.clientId, 'action.clientId').bytes(a.trustedHeader, BLOCK_HEADER_BYTES, 'action.trustedHeader');
  writeKeys(w, a.validators, MAX_VALIDATORS, 'action.validators');
  w.u64(a.trustingPeriodMs, 'action.trustingPeriodMs').u32(a.maxClockDriftMs, 'action.maxClockDriftMs');
  writeKeys(w, a.relayers, MAX_XCHAIN_RELAYERS, 'action.relayers');
}

export function readRegisterCounterparty(r: Reader): RegisterCounterparty {
  return {
    type: 'registerCounterparty',
    clientId: r.u16('action.clientId'),
    trustedHeader: r.bytes(BLOCK_HEADER_BYTES, 'action.trustedHeader'),
    validators: readKeys(r, MAX_VALIDATORS, 'action.validators'),
    trustingPeriodMs: r.u64('action.trustingPeriodMs'),
    maxClockDriftMs: r.u32('action.maxClockDriftMs'),
    relayers: readKeys(r, MAX_XCHAIN_RELAYERS, 'action.relayers'),
  };
}

export const RECOVER_CLIENT_BYTES = 4;

export function writeRecoverClient(w: Writer, a: RecoverClient): void {
  w.u16(a.clientId, 'action.clientId').u16(a.substituteId, 'action.substituteId');
}

export function readRecoverClient(r: Reader): RecoverClient {
  return {
    type: 'recoverClient',
    clientId: r.u16('action.clientId'),
    substituteId: r.u16('action.substituteId'),
  };
}
