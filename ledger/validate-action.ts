// Static checks of a governance action (shape and bounds, independent of state), done when it is
// proposed so that a malformed action never collects approvals.
import { BLOCK_HEADER_BYTES, MAX_ADMINS, MAX_SITE_KPI_CODES, MAX_VALIDATORS } from '../codec/caps.js';
import type { ChainParams, GovernanceAction } from '../codec/types.js';
import { MAX_XCHAIN_RELAYERS } from '../codec/xchain-call.js';
import { validBounds } from './envelope-bounds.js';
import { Reason } from './reasons.js';
import { hex } from './records.js';
import { validSnapshotInterval } from './snapshot-interval.js';

function isPositiveInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

function isU16(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff;
}

function distinct(keys: Uint8Array[]): boolean {
  return new Set(keys.map(hex)).size === keys.length;
}

function validParams(p: ChainParams): boolean {
  return (
    [p.periodMs, p.maxBlockEnvelopes, p.maxBlockBytes, p.viewTimeoutMs].every(isPositiveInt) &&
    validBounds(p) &&
    validSnapshotInterval(p.snapshotInterval)
  );
}

function validKpiCodes(codes: number[]): boolean {
  if (codes.length === 0 || codes.length > MAX_SITE_KPI_CODES) return false;
  return codes.every(
    (c, i) => Number.isInteger(c) && c >= 1 && c <= 0xffff && (i === 0 || c > (codes[i - 1] as number)),
  );
}

/** Reason.None when the action is well-formed; activation heights are checked at execution. */
export function validateAction(a: GovernanceAction): Reason {
  const ok = ((): boolean => {
    switch (a.type) {
      case 'registerSite':
        return (
          a.publicKey.length === 32 &&
          a.siteId.length === 16 &&
          Number.isInteger(a.country) &&
          a.country >= 1 &&
          a.country <= 999 &&
          a.city.code.length > 0 &&
          validKpiCodes(a.kpiCodes)
        );
      case 'suspendSite':
      case 'resumeSite':
      case 'revokeSite':
        return a.siteKeyId.length === 16;
      case 'rotateSiteKey':
        return a.siteKeyId.length === 16 && a.newPublicKey.length === 32;
      case 'addScpKey':
        return (
          a.publicKey.length === 32 &&
          Number.isSafeInteger(a.notBefore) &&
          Number.isSafeInteger(a.notAfter) &&
          a.notBefore < a.notAfter
        );
      case 'retireScpKey':
        return a.scpKeyId.length === 16;
      case 'setParams':
        return validParams(a.params) && isPositiveInt(a.activateAt);
      case 'setValidators': {
        const keys = a.validators.map((v) => v.publicKey);
        return (
          keys.length >= 1 &&
          keys.length <= MAX_VALIDATORS &&
          keys.every((k) => k.length === 32) &&
          distinct(keys) &&
          isPositiveInt(a.activateAt)
        );
      }
      case 'setAdmins':
        return (
          a.admins.length >= 1 &&
          a.admins.length <= MAX_ADMINS &&
          a.admins.every((k) => k.length === 32) &&
          distinct(a.admins) &&
          Number.isInteger(a.threshold) &&
          a.threshold >= 1 &&
          a.threshold <= a.admins.length
        );
      case 'registerCounterparty':
        return (
          isU16(a.clientId) &&
          a.trustedHeader.length === BLOCK_HEADER_BYTES &&
          a.validators.length >= 1 &&
          a.validators.length <= MAX_VALIDATORS &&
          a.validators.every((k) => k.length === 32) &&
          distinct(a.validators) &&
          isPositiveInt(a.trustingPeriodMs) &&
          Number.isSafeInteger(a.maxClockDriftMs) &&
          a.maxClockDriftMs >= 0 &&
          a.relayers.length >= 1 &&
          a.relayers.length <= MAX_XCHAIN_RELAYERS &&
          a.relayers.every((k) => k.length === 32) &&
          distinct(a.relayers)
        );
      case 'recoverClient':
        return isU16(a.clientId) && isU16(a.substituteId) && a.clientId !== a.substituteId;
    }
  })();
  return ok ? Reason.None : Reason.InvalidAction;
}
