// ApiError <-> gRPC status. The reason travels three ways so every client can read it: as the
// gRPC status code (coarse), in the `bkdms-reason` trailer (exact), and at the head of the status
// message ("MEMPOOL_FULL: ..."). A retry hint rides in `bkdms-retry-after-ms`, the offending
// request field in `bkdms-field`.
import type { ServiceError, StatusObject } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode, isApiErrorCode } from './errors.js';

export const REASON_KEY = 'bkdms-reason';
export const RETRY_AFTER_KEY = 'bkdms-retry-after-ms';
export const FIELD_KEY = 'bkdms-field';

export function toStatus(err: ApiError): Partial<StatusObject> {
  const metadata = new Metadata();
  metadata.set(REASON_KEY, err.code);
  if (err.retryAfterMs !== undefined) metadata.set(RETRY_AFTER_KEY, String(Math.ceil(err.retryAfterMs)));
  if (typeof err.meta.field === 'string') metadata.set(FIELD_KEY, err.meta.field);
  return { code: err.grpcStatus, details: err.message, metadata };
}

function first(md: Metadata | undefined, key: string): string | undefined {
  const v = md?.get(key)[0];
  return typeof v === 'string' ? v : undefined;
}

/** Reason for a status that came without one (from grpc-js itself, a proxy, or a foreign server). */
function reasonOfBareStatus(code: number): ApiErrorCode {
  switch (code) {
    case status.DEADLINE_EXCEEDED:
      return ApiErrorCode.DeadlineExceeded;
    // This client cancels only calls it has given up on, so a CANCELLED it reads came from the
    // other side (a server shutting down resets its streams): a transport failure, retriable.
    case status.RESOURCE_EXHAUSTED:
      // grpc-js's own message-size refusal.
      return ApiErrorCode.Oversized;
    case status.INVALID_ARGUMENT:
      return ApiErrorCode.InvalidArgument;
    case status.NOT_FOUND:
      return ApiErrorCode.NotFound;
    case status.INTERNAL:
    case status.UNIMPLEMENTED:
      return ApiErrorCode.Internal;
    default:
      return ApiErrorCode.Transport;
  }
}

/** A grpc-js client error as the ApiError the server meant (or the closest reason). */
export function fromServiceError(err: ServiceError): ApiError {
  const reason = first(err.metadata, REASON_KEY);
  const code = reason !== undefined && isApiErrorCode(reason) ? reason : reasonOfBareStatus(err.code);
  const details = err.details ?? '';
  const text = details.startsWith(`${code}: `) ? details.slice(code.length + 2) : details;
  const hint = Number(first(err.metadata, RETRY_AFTER_KEY));
  const meta: Record<string, string | number> = { grpcStatus: err.code };
  const field = first(err.metadata, FIELD_KEY);
  if (field !== undefined) meta.field = field;
  return new ApiError(code, text, meta, Number.isFinite(hint) && hint >= 0 ? hint : undefined);
}
