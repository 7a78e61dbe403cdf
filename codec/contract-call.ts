// Contract calls carried by ContractCall envelopes: propose a governance action, or approve a
// pending proposal. See docs/wire-format.md §Contract call for the action table.
import {
  HASH_BYTES,
  KEY_ID_BYTES,
  MAX_ADMINS,
  MAX_SITE_KPI_CODES,
  MAX_VALIDATORS,
  PUBLIC_KEY_BYTES,
  SITE_ID_BYTES,
} from './caps.js';
import { CITY_BYTES, readCity, writeCity } from './city.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkCountry } from './kpi-record.js';
import { keysSize, kpiCodesSize, readKeys, readKpiCodes, writeKeys, writeKpiCodes } from './lists.js';
import type { Reader } from './reader.js';
import type { ChainParams, ContractCall, GovernanceAction } from './types.js';
import { checkInt, type Writer } from './writer.js';
import {
  RECOVER_CLIENT_ACTION,
  RECOVER_CLIENT_BYTES,
  REGISTER_COUNTERPARTY_ACTION,
  readRecoverClient,
  readRegisterCounterparty,
  readXchainCall,
  registerCounterpartySize,
  writeRecoverClient,
  writeRegisterCounterparty,
  writeXchainCall,
  XchainCallType,
  xchainCallSize,
} from './xchain-call.js';

export enum CallType {
  Propose = 1,
  Approve = 2,
}

/** Action type bytes 1..10, in the order of the GovernanceAction union (cross-chain ones: 12, 13; setParams also 11, 14). */
export const ACTION_TYPES = [
  'registerSite',
  'suspendSite',
  'resumeSite',
  'revokeSite',
  'rotateSiteKey',
  'addScpKey',
  'retireScpKey',
  'setParams',
  'setValidators',
  'setAdmins',
] as const satisfies readonly GovernanceAction['type'][];

type ClassicAction = Exclude<GovernanceAction, { type: 'registerCounterparty' | 'recoverClient' }>;

/**
 * setParams carrying the envelope bounds too (layout 2). Type 8 keeps its original four-field
 * layout, so calls encoded before the bounds existed still decode, and to the same bytes.
 */
export const SET_PARAMS_WITH_BOUNDS = ACTION_TYPES.length + 1;
/**
 * setParams carrying snapshotInterval (layout 3, after the cross-chain actions 12 and 13): the
 * four fields, a flag and the bounds when present, then snapshotInterval. Written exactly when
 * the parameters hold snapshotInterval, so layouts 1 and 2 keep their bytes.
 */
export const SET_PARAMS_WITH_SNAPSHOT = RECOVER_CLIENT_ACTION + 1;

type SetParams = Extract<GovernanceAction, { type: 'setParams' }>;

/** Whether a setParams action carries the bounds (layout 2); one bound without the other is refused. */
function hasBounds(a: SetParams): boolean {
  const gap = a.params.maxSeqGap !== undefined;
  if (gap !== (a.params.maxEnvelopeFutureMs !== undefined)) {
    const why = 'params: maxSeqGap and maxEnvelopeFutureMs go together';
    throw new CodecError(CodecErrorCode.InvalidInput, why, { field: 'params.maxSeqGap' });
  }
  return gap;
}

function actionSize(a: GovernanceAction): number {
  switch (a.type) {
    case 'registerSite':
      return PUBLIC_KEY_BYTES + 2 + CITY_BYTES + SITE_ID_BYTES + kpiCodesSize(a.kpiCodes);
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
    case 'retireScpKey':
      return KEY_ID_BYTES;
    case 'rotateSiteKey':
      return KEY_ID_BYTES + PUBLIC_KEY_BYTES;
    case 'addScpKey':
      return PUBLIC_KEY_BYTES + 16;
    case 'setParams':
      if (a.params.snapshotInterval !== undefined) return 16 + 1 + (hasBounds(a) ? 8 : 0) + 4 + 8;
      return (hasBounds(a) ? 24 : 16) + 8;
    case 'setValidators':
      return keysSize(a.validators.map((v) => v.publicKey)) + 8;
    case 'setAdmins':
      return keysSize(a.admins) + 2;
    case 'registerCounterparty':
      return registerCounterpartySize(a);
    case 'recoverClient':
      return RECOVER_CLIENT_BYTES;
  }
}

export function contractCallSize(c: ContractCall): number {
  if (c.type === 'approve') return 1 + HASH_BYTES;
  if (c.type === 'propose') return 1 + 8 + 1 + actionSize(c.action);
  return xchainCallSize(c);
}

export function writeContractCall(w: Writer, c: ContractCall): void {
  if (c.type === 'approve') {
    w.u8(CallType.Approve).bytes(c.proposalId, HASH_BYTES, 'call.proposalId');
    return;
  }
  if (c.type === 'updateClient' || c.type === 'submitMisbehaviour' || c.type === 'recordRemoteFact') {
    writeXchainCall(w, c);
    return;
  }
  if (c.type !== 'propose')
    throw new CodecError(CodecErrorCode.InvalidInput, 'call.type', { field: 'call.type' });
  if (c.action.type === 'registerCounterparty' || c.action.type === 'recoverClient') {
    w.u8(CallType.Propose).u64(c.expiresAt, 'call.expiresAt');
    if (c.action.type === 'registerCounterparty')
      writeRegisterCounterparty(w.u8(REGISTER_COUNTERPARTY_ACTION), c.action);
    else writeRecoverClient(w.u8(RECOVER_CLIENT_ACTION), c.action);
    return;
  }
  writeClassicAction(w, c.action, c.expiresAt);
}

function writeClassicAction(w: Writer, a: ClassicAction, expiresAt: number): void {
  const t = ACTION_TYPES.indexOf(a.type);
  if (t < 0)
    throw new CodecError(CodecErrorCode.InvalidInput, 'action.type unknown', { field: 'action.type' });
  const bounds = a.type === 'setParams' && hasBounds(a);
  const snapshot = a.type === 'setParams' && a.params.snapshotInterval !== undefined;
  w.u8(CallType.Propose)
    .u64(expiresAt, 'call.expiresAt')
    .u8(snapshot ? SET_PARAMS_WITH_SNAPSHOT : bounds ? SET_PARAMS_WITH_BOUNDS : t + 1);
  switch (a.type) {
    case 'registerSite':
      w.bytes(a.publicKey, PUBLIC_KEY_BYTES, 'action.publicKey');
      w.u16(checkCountry(a.country, CodecErrorCode.InvalidInput));
      writeCity(w, a.city);
      w.bytes(a.siteId, SITE_ID_BYTES, 'action.siteId');
      writeKpiCodes(w, a.kpiCodes, MAX_SITE_KPI_CODES, 'action.kpiCodes');
      return;
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
      w.bytes(a.siteKeyId, KEY_ID_BYTES, 'action.siteKeyId');
      return;
    case 'retireScpKey':
      w.bytes(a.scpKeyId, KEY_ID_BYTES, 'action.scpKeyId');
      return;
    case 'rotateSiteKey':
      w.bytes(a.siteKeyId, KEY_ID_BYTES, 'action.siteKeyId');
      w.bytes(a.newPublicKey, PUBLIC_KEY_BYTES, 'action.newPublicKey');
      return;
    case 'addScpKey':
      w.bytes(a.publicKey, PUBLIC_KEY_BYTES, 'action.publicKey');
      w.u64(a.notBefore, 'action.notBefore').u64(a.notAfter, 'action.notAfter');
      return;
    case 'setParams': {
      const p = a.params;
      w.u32(p.periodMs, 'params.periodMs').u32(p.maxBlockEnvelopes, 'params.maxBlockEnvelopes');
      w.u32(p.maxBlockBytes, 'params.maxBlockBytes').u32(p.viewTimeoutMs, 'params.viewTimeoutMs');
      if (snapshot) w.u8(bounds ? 1 : 0);
      if (bounds)
        w.u32(p.maxSeqGap!, 'params.maxSeqGap').u32(p.maxEnvelopeFutureMs!, 'params.maxEnvelopeFutureMs');
      if (snapshot) w.u32(p.snapshotInterval!, 'params.snapshotInterval');
      w.u64(a.activateAt, 'action.activateAt');
      return;
    }
    case 'setValidators':
      writeKeys(
        w,
        a.validators.map((v) => v.publicKey),
        MAX_VALIDATORS,
        'action.validators',
      );
      w.u64(a.activateAt, 'action.activateAt');
      return;
    case 'setAdmins':
      writeKeys(w, a.admins, MAX_ADMINS, 'action.admins');
      checkInt(a.threshold, 1, a.admins.length, 'action.threshold');
      w.u16(a.threshold);
      return;
  }
}

export function readContractCall(r: Reader): ContractCall {
  const type = r.enumU8(CallType.Propose, XchainCallType.RecordRemoteFact, 'call.type');
  if (type >= XchainCallType.UpdateClient) return readXchainCall(r, type);
  if (type === CallType.Approve)
    return { type: 'approve', proposalId: r.bytes(HASH_BYTES, 'call.proposalId') };
  const expiresAt = r.u64('call.expiresAt');
  return { type: 'propose', action: readAction(r), expiresAt };
}

function readAction(r: Reader): GovernanceAction {
  const t = r.enumU8(1, SET_PARAMS_WITH_SNAPSHOT, 'action.type');
  if (t === REGISTER_COUNTERPARTY_ACTION) return readRegisterCounterparty(r);
  if (t === RECOVER_CLIENT_ACTION) return readRecoverClient(r);
  const type =
    t === SET_PARAMS_WITH_BOUNDS || t === SET_PARAMS_WITH_SNAPSHOT ? 'setParams' : ACTION_TYPES[t - 1]!;
  switch (type) {
    case 'registerSite':
      return {
        type,
        publicKey: r.bytes(PUBLIC_KEY_BYTES, 'action.publicKey'),
        country: checkCountry(r.u16('action.country'), CodecErrorCode.BadValue),
        city: readCity(r),
        siteId: r.bytes(SITE_ID_BYTES, 'action.siteId'),
        kpiCodes: readKpiCodes(r, MAX_SITE_KPI_CODES, 'action.kpiCodes'),
      };
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
      return { type, siteKeyId: r.bytes(KEY_ID_BYTES, 'action.siteKeyId') };
    case 'retireScpKey':
      return { type, scpKeyId: r.bytes(KEY_ID_BYTES, 'action.scpKeyId') };
    case 'rotateSiteKey':
      return {
        type,
        siteKeyId: r.bytes(KEY_ID_BYTES, 'action.siteKeyId'),
        newPublicKey: r.bytes(PUBLIC_KEY_BYTES, 'action.newPublicKey'),
      };
    case 'addScpKey':
      return {
        type,
        publicKey: r.bytes(PUBLIC_KEY_BYTES, 'action.publicKey'),
        notBefore: r.u64('action.notBefore'),
        notAfter: r.u64('action.notAfter'),
      };
    case 'setParams': {
      const params: ChainParams = {
        periodMs: r.u32('params.periodMs'),
        maxBlockEnvelopes: r.u32('params.maxBlockEnvelopes'),
        maxBlockBytes: r.u32('params.maxBlockBytes'),
        viewTimeoutMs: r.u32('params.viewTimeoutMs'),
      };
      const bounds =
        t === SET_PARAMS_WITH_BOUNDS ||
        (t === SET_PARAMS_WITH_SNAPSHOT && r.enumU8(0, 1, 'params.hasBounds') === 1);
      if (bounds) {
        params.maxSeqGap = r.u32('params.maxSeqGap');
        params.maxEnvelopeFutureMs = r.u32('params.maxEnvelopeFutureMs');
      }
      if (t === SET_PARAMS_WITH_SNAPSHOT) params.snapshotInterval = r.u32('params.snapshotInterval');
      return { type, params, activateAt: r.u64('action.activateAt') };
    }
    case 'setValidators':
      return {
        type,
        validators: readKeys(r, MAX_VALIDATORS, 'action.validators').map((publicKey) => ({ publicKey })),
        activateAt: r.u64('action.activateAt'),
      };
    case 'setAdmins': {
      const admins = readKeys(r, MAX_ADMINS, 'action.admins');
      const threshold = r.u16('action.threshold');
      if (threshold < 1 || threshold > admins.length)
        throw new CodecError(CodecErrorCode.BadValue, 'action.threshold: not in [1, admins]', {
          field: 'action.threshold',
        });
      return { type, admins, threshold };
    }
  }
}
