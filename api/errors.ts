// The one error class of the api domain. Every RPC failure is an ApiError with a reason code;
// the server sends the code as the gRPC status it maps to, in the `bkdms-reason` trailer and at the
// head of the status message, and the client turns a status back into the same ApiError.
// Reason strings match node/'s NodeErrorCode where both name the same thing, so a handler can
// throw its own domain error and the server still reports the documented reason.

import { status } from '@grpc/grpc-js';
import { BkdmsError } from '../codec/base-error.js';

export enum ApiErrorCode {
  /** A request field is missing, of the wrong length or out of range. */
  InvalidArgument = 'INVALID_ARGUMENT',
  /** Envelope (or batch, or message) larger than its cap. */
  Oversized = 'OVERSIZED',
  /** Envelope bytes do not decode, or the envelope kind does not fit the RPC. */
  Malformed = 'MALFORMED',
  /** Envelope bound to another chain. */
  WrongChain = 'WRONG_CHAIN',
  BadSignature = 'BAD_SIGNATURE',
  /** Signer unknown, suspended, revoked, key not current, or routing not allowed. */
  Unauthorized = 'UNAUTHORIZED',
  /** A management call that needs an administrator came without a valid credential (none, bad signature, stale, replayed). */
  Unauthenticated = 'UNAUTHENTICATED',
  /** A management call's credential is valid but names no administrator. */
  PermissionDenied = 'PERMISSION_DENIED',
  /** A different envelope already used this signer's sequence number. */
  Replayed = 'REPLAYED',
  /** Sequence number too far above the signer's highest committed one (chain parameter maxSeqGap). */
  SeqTooFar = 'SEQ_TOO_FAR',
  /** Envelope time too far ahead of the node's clock (chain parameter maxEnvelopeFutureMs). */
  TimeInFuture = 'TIME_IN_FUTURE',
  /** Mempool full: retry after the hint. */
  MempoolFull = 'MEMPOOL_FULL',
  /** Too many requests from this peer: retry after the hint. */
  RateLimited = 'RATE_LIMITED',
  /** Too many open block subscriptions, or their unread blocks fill the node's budget: retry after the hint. */
  TooManyStreams = 'TOO_MANY_STREAMS',
  /** Unknown tracing code, height above the tip, unknown site. */
  NotFound = 'NOT_FOUND',
  /**
   * The block body (or an envelope in it) was pruned on this node: header, certificate and
   * inclusion proofs remain; meta.prunedBelow is its earliest height. Ask a node keeping bodies.
   */
  Pruned = 'PRUNED',
  /** Cursor not issued by this node or for another query. */
  BadCursor = 'BAD_CURSOR',
  /** Node starting, catching up or not connected to a quorum. */
  NotReady = 'NOT_READY',
  /** Node shutting down. */
  Stopped = 'STOPPED',
  /** The call's deadline passed (reported by the client). */
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  /** The call was cancelled by the caller. */
  Cancelled = 'CANCELLED',
  /** Connection failed or the peer sent a status without a reason (reported by the client). */
  Transport = 'TRANSPORT',
  /** A bug on the server; details are logged there, not sent. */
  Internal = 'INTERNAL',
  /** An answer that does not verify against the validator set (found by the client, never sent). */
  VerificationFailed = 'VERIFICATION_FAILED',
}

const statusOf: Record<ApiErrorCode, status> = {
  [ApiErrorCode.InvalidArgument]: status.INVALID_ARGUMENT,
  [ApiErrorCode.Oversized]: status.INVALID_ARGUMENT,
  [ApiErrorCode.Malformed]: status.INVALID_ARGUMENT,
  [ApiErrorCode.WrongChain]: status.INVALID_ARGUMENT,
  [ApiErrorCode.BadSignature]: status.PERMISSION_DENIED,
  [ApiErrorCode.Unauthorized]: status.PERMISSION_DENIED,
  [ApiErrorCode.Unauthenticated]: status.UNAUTHENTICATED,
  [ApiErrorCode.PermissionDenied]: status.PERMISSION_DENIED,
  [ApiErrorCode.Replayed]: status.ALREADY_EXISTS,
  // OUT_OF_RANGE, not INVALID_ARGUMENT: the same envelope may pass once the chain or the clock moves on.
  [ApiErrorCode.SeqTooFar]: status.OUT_OF_RANGE,
  [ApiErrorCode.TimeInFuture]: status.OUT_OF_RANGE,
  [ApiErrorCode.MempoolFull]: status.RESOURCE_EXHAUSTED,
  [ApiErrorCode.RateLimited]: status.RESOURCE_EXHAUSTED,
  [ApiErrorCode.TooManyStreams]: status.RESOURCE_EXHAUSTED,
  [ApiErrorCode.NotFound]: status.NOT_FOUND,
  [ApiErrorCode.Pruned]: status.FAILED_PRECONDITION,
  [ApiErrorCode.BadCursor]: status.INVALID_ARGUMENT,
  [ApiErrorCode.NotReady]: status.UNAVAILABLE,
  [ApiErrorCode.Stopped]: status.UNAVAILABLE,
  [ApiErrorCode.DeadlineExceeded]: status.DEADLINE_EXCEEDED,
  [ApiErrorCode.Cancelled]: status.CANCELLED,
  [ApiErrorCode.Transport]: status.UNAVAILABLE,
  [ApiErrorCode.Internal]: status.INTERNAL,
  [ApiErrorCode.VerificationFailed]: status.DATA_LOSS,
};

const known = new Set<string>(Object.values(ApiErrorCode));

export function isApiErrorCode(s: string): s is ApiErrorCode {
  return known.has(s);
}

export function grpcStatusOf(code: ApiErrorCode): status {
  return statusOf[code];
}

export class ApiError extends BkdmsError<ApiErrorCode> {
  /** For RESOURCE_EXHAUSTED and UNAVAILABLE reasons: how long to wait before retrying (ms). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    meta: Record<string, string | number> = {},
    retryAfterMs?: number,
  ) {
    super('ApiError', code, message, meta);
    this.retryAfterMs = retryAfterMs;
  }

  get grpcStatus(): status {
    return statusOf[this.code];
  }
}

/**
 * Any thrown value as an ApiError: ApiErrors pass through; another domain's error whose `code` is a
 * known reason keeps it (with its meta and a numeric meta.retryAfterMs as the hint); anything else
 * is an internal error whose text is not sent to the caller.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; meta?: Record<string, string | number> };
    if (typeof e.code === 'string' && isApiErrorCode(e.code)) {
      const meta = e.meta ?? {};
      const hint = typeof meta.retryAfterMs === 'number' ? meta.retryAfterMs : undefined;
      const text = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
      return new ApiError(e.code, text, { ...meta }, hint);
    }
    if (e.name === 'CodecError') return new ApiError(ApiErrorCode.Malformed, e.message);
  }
  return new ApiError(ApiErrorCode.Internal, 'internal error');
}
