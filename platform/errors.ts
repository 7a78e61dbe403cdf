// The one error class of the platform domain (the smart city platform's KPI management module).
// Every failure that stops an operation is a PlatformError with a code; per-packet problems are
// not errors but recorded outcomes (see outcome.ts), so one bad packet never stops extraction.
import { BkdmsError } from '../codec/base-error.js';

export enum PlatformErrorCode {
  /** The JSON config is missing, unreadable or does not match the schema. */
  BadConfig = 'BAD_CONFIG',
  /** A block failed verification (certificate, validator set, body, chain linkage): not stored. */
  BadBlock = 'BAD_BLOCK',
  /**
   * A verified block's header carries another state root than the platform's own execution of the
   * chain up to its parent (ledger/, the nodes' state machine): the platform and the validators
   * disagree on what the chain means. Extraction stops: asking another node gives the same block.
   */
  StateRootMismatch = 'STATE_ROOT_MISMATCH',
  /** The block stream skipped or repeated a height. */
  OutOfOrder = 'OUT_OF_ORDER',
  /** The platform database could not be read or written, or holds bytes it did not write. */
  Store = 'STORE',
  /** No stored record has this tracing code. */
  NotFound = 'NOT_FOUND',
  /** A node did not answer, or answered with something that does not verify. */
  Chain = 'CHAIN',
  /** A contract call was refused by the chain, or its receipt says it had no effect. */
  Rejected = 'REJECTED',
  /** Waiting for a receipt ran past its deadline. */
  Timeout = 'TIMEOUT',
  /** A key could not be loaded (keystore, passphrase, wrong curve). */
  BadKey = 'BAD_KEY',
  /** An argument a caller passed is not usable (tracing code hex, time range...). */
  InvalidInput = 'INVALID_INPUT',
}

export class PlatformError extends BkdmsError<PlatformErrorCode> {
  constructor(code: PlatformErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('PlatformError', code, message, meta);
  }
}
