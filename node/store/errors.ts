// The one error class of the store domain (block log, indexes, queries, recovery).
// Callers branch on `code`; `meta` carries the figures that explain it (never key material).
import { BkdmsError } from '../../codec/base-error.js';

export enum StoreErrorCode {
  /** The store was used after close(). */
  Closed = 'CLOSED',
  /** A commit was started while another is in progress (callers must serialize commits). */
  Busy = 'BUSY',
  /** A block was committed out of order (height is not tip + 1). */
  NotNextHeight = 'NOT_NEXT_HEIGHT',
  /** A frame in the middle of the block log fails its checksum: not a torn tail, real corruption. */
  Corrupt = 'CORRUPT',
  /** Index and block log disagree in a way recovery cannot repair (e.g. index ahead of the log). */
  Inconsistent = 'INCONSISTENT',
  /** A record larger than the segment size or the frame cap. */
  Oversized = 'OVERSIZED',
  /** Requested block or tracing code is not in the store. */
  NotFound = 'NOT_FOUND',
  /** The block body was pruned; header, certificate and leaves remain. */
  Pruned = 'PRUNED',
  /** A cursor that this store did not produce, or a query with bad bounds. */
  BadQuery = 'BAD_QUERY',
  /** A commit failed after the contracts ran: in-memory state is ahead of disk until reopened. */
  NeedsReopen = 'NEEDS_REOPEN',
  /** The underlying database or file system failed. */
  Io = 'IO',
}

export class StoreError extends BkdmsError<StoreErrorCode> {
  constructor(code: StoreErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('StoreError', code, message, meta);
  }
}
