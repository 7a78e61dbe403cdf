// ApiError <-> gRPC status. The reason travels three ways so every client can read it: as the
// gRPC status code (coarse), in the `bkdms-reason` trailer (exact), and at the head of the status
// message ("MEMPOOL_FULL: ..."). A retry hint rides in `bkdms-retry-after-ms`, the offending
// request field in `bkdms-field`. A PRUNED answer names the node's earliest block body in
// `bkdms-earliest-height` and, on a node that joined by state sync, its base (the lowest header it
// holds) in `bkdms-base-height`: the client reads them as meta.earliestHeight and meta.baseHeight.
import type { ServiceError, StatusObject } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode, isApiErrorCode } from './errors.js';

export const REASON_KEY = 'bkdms-reason';
export const RETRY_AFTER_KEY = 'bkdms-retry-after-ms';
export const FIELD_KEY = 'bkdms-field';
export const EARLIEST_HEIGHT_KEY = 'bkdms-earliest-height';
export const BASE_HEIGHT_KEY = 'bkdms-base-height';

const height = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;

export function toStatus(err: ApiError): Partial<StatusObject> {
  const metadata = new Metadata();
  metadata.set(REASON_KEY, err.code);
  if (err.retryAfterMs !== undefined) metadata.set(RETRY_AFTER_KEY, String(Math.ceil(err.retryAfterMs)));
  if (typeof err.meta.field === 'string') metadata.set(FIELD_KEY, err.meta.field);
  if (err.code === ApiErrorCode.Pruned) {
    // The store names its earliest body `prunedBelow` and its state-sync base `base`.
    const earliest = height(err.meta.prunedBelow ?? err.meta.earliestHeight);
    const base = height(err.meta.base ?? err.meta.baseHeight);
    if (earliest !== undefined) metadata.set(EARLIEST_HEIGHT_KEY, String(earliest));
    if (base !== undefined && base > 0) metadata.set(BASE_HEIGHT_KEY, String(base));
  }
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
  if (code === ApiErrorCode.Pruned) {
    const earliest = height(Number(first(err.metadata, EARLIEST_HEIGHT_KEY) ?? Number.NaN));
    const base = height(Number(first(err.metadata, BASE_HEIGHT_KEY) ?? Number.NaN));
    if (earliest !== undefined) meta.earliestHeight = earliest;
    if (base !== undefined) meta.baseHeight = base;
  }
  return new ApiError(code, text, meta, Number.isFinite(hint) && hint >= 0 ? hint : undefined);
}
