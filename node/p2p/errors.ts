// The one error class of the network layer. Every failure a caller of node/p2p can see is a
// P2PError with a code, so the consensus driver and the RPC layer can branch on it.
import { BkdmsError } from '../../codec/base-error.js';

export enum P2PErrorCode {
  /** A message, batch, request or response larger than its cap (checked before buffering). */
  Oversized = 'OVERSIZED',
  /** A frame or batch whose bytes do not follow the layout. */
  BadFrame = 'BAD_FRAME',
  /** The peer is not in the allowed set (validators + observers). */
  NotAllowed = 'NOT_ALLOWED',
  /** A validator index or peer ID this node does not know. */
  UnknownPeer = 'UNKNOWN_PEER',
  /** No open connection to the peer and none could be made. */
  Unreachable = 'UNREACHABLE',
  /** The peer did not answer within the deadline. */
  Timeout = 'TIMEOUT',
  /** The peer (or this node) refused because its per-peer rate limit is exhausted. */
  RateLimited = 'RATE_LIMITED',
  /** A bounded queue or in-flight limit is full; retry later. */
  Busy = 'BUSY',
  /** The remote handler failed or is not registered. */
  RemoteError = 'REMOTE_ERROR',
  /** Invalid options or arguments. */
  BadOptions = 'BAD_OPTIONS',
  /** The service is not started, or was stopped. */
  Stopped = 'STOPPED',
}

export class P2PError extends BkdmsError<P2PErrorCode> {
  constructor(code: P2PErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('P2PError', code, message, meta);
  }
}
