// The one error class of the ledger domain. The state machine itself never throws on chain input
// (an envelope it cannot apply gets a Rejected receipt); an error here means the caller handed it
// something no chain can start from.

export enum LedgerErrorCode {
  /** The genesis lists a site key, site address or SCP key twice: no initial state exists. */
  BadGenesis = 'BAD_GENESIS',
}

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly meta: Readonly<Record<string, string | number>>;

  constructor(code: LedgerErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super(`${code}: ${message}`);
    this.name = 'LedgerError';
    this.code = code;
    this.meta = meta;
  }
}
