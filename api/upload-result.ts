// Upload and SubmitGovernance carry one envelope: a Rejected result becomes the call's error so
// a caller handles one failure path; idempotent re-sends (already pending or committed) succeed.
import { ApiError, ApiErrorCode, isApiErrorCode } from './errors.js';
import type { UploadResult } from './types.js';
import { UploadStatus } from './types.js';

export function rejectionError(res: UploadResult): ApiError {
  const code = isApiErrorCode(res.reason) ? res.reason : ApiErrorCode.Internal;
  const hint = res.retryAfterMs > 0 ? res.retryAfterMs : undefined;
  return new ApiError(code, res.message || 'rejected', {}, hint);
}

export function acceptedOrThrow(res: UploadResult | undefined): UploadResult {
  if (res === undefined) throw new ApiError(ApiErrorCode.Internal, 'handler returned no result');
  if (res.status === UploadStatus.Rejected) throw rejectionError(res);
  return res;
}

/** True when the envelope is in the mempool or on chain, whichever call put it there. */
export function isAdmitted(res: UploadResult): boolean {
  return (
    res.status === UploadStatus.Accepted ||
    res.status === UploadStatus.AlreadyPending ||
    res.status === UploadStatus.AlreadyCommitted
  );
}
