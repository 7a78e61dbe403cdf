// The one error class of the ledger domain. The state machine itself never throws on chain input
// (an envelope it cannot apply gets a Rejected receipt); an error here means the caller handed it
// something no chain can start from, or a state proof that does not prove what it claims.
import { BkdmsError } from '../codec/base-error.js';

export enum LedgerErrorCode {
  /** The genesis lists a site key, site address or SCP key twice: no initial state exists. */
  BadGenesis = 'BAD_GENESIS',
  /** A state proof that does not decode or does not lead to the state root; meta.check says which check. */
  BadStateProof = 'BAD_STATE_PROOF',
  /** A snapshot manifest or chunk that does not check out; meta.check says which check. */
  BadSnapshot = 'BAD_SNAPSHOT',
}

export class LedgerError extends BkdmsError<LedgerErrorCode> {
  constructor(code: LedgerErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('LedgerError', code, message, meta);
  }
}
