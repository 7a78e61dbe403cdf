// The node domain's error class: configuration, admission and lifecycle failures of one
// accounting node. Admission rejections carry the reason the RPC layer maps to a status code.
import { BkdmsError } from '../codec/base-error.js';

export enum NodeErrorCode {
  BadConfig = 'BAD_CONFIG',
  /** Envelope larger than the cap; refused before buffering. */
  Oversized = 'OVERSIZED',
  /** Envelope bytes do not decode. */
  Malformed = 'MALFORMED',
  /** Envelope for another chain. */
  WrongChain = 'WRONG_CHAIN',
  BadSignature = 'BAD_SIGNATURE',
  /** Signer unknown, suspended, revoked, key not current, or routing not allowed. */
  Unauthorized = 'UNAUTHORIZED',
  /** Sequence number already used (committed or pending). */
  Replayed = 'REPLAYED',
  /** Sequence number more than the chain's maxSeqGap above the signer's highest applied one. */
  SeqTooFar = 'SEQ_TOO_FAR',
  /** Envelope time more than the chain's maxEnvelopeFutureMs ahead of the node's clock. */
  TimeInFuture = 'TIME_IN_FUTURE',
  /** The same envelope is already pending; not an error for an idempotent re-send. */
  AlreadyPending = 'ALREADY_PENDING',
  /** The same envelope is already committed; not an error for an idempotent re-send. */
  AlreadyCommitted = 'ALREADY_COMMITTED',
  /** Mempool full; retry later. */
  MempoolFull = 'MEMPOOL_FULL',
  NotFound = 'NOT_FOUND',
  NotReady = 'NOT_READY',
  Stopped = 'STOPPED',
}

export class NodeError extends BkdmsError<NodeErrorCode> {
  constructor(code: NodeErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('NodeError', code, message, meta);
  }
}
