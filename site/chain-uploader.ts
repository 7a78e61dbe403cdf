// Adapts api/'s gRPC client to the site's small Uploader and ScpKeySource interfaces. The
// client already retries transient failures within one call; what still fails here is thrown to
// the upload loop, which backs off and tries again later with the same bytes.
import type { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { isRetriable } from '../api/retry.js';
import { ReceiptState, type UploadResult, UploadStatus } from '../api/types.js';
import type { ScpKey, ScpKeySource } from './seal-keys.js';
import type { ReceiptOutcome, Uploader, UploadOutcome } from './uploader.js';

export function toOutcome(r: UploadResult): UploadOutcome {
  switch (r.status) {
    case UploadStatus.Accepted:
    case UploadStatus.AlreadyPending:
      return { kind: 'admitted' };
    case UploadStatus.AlreadyCommitted:
      return { kind: 'committed' };
    default: {
      const transient = isRetriable(new ApiError(r.reason as ApiErrorCode, r.message));
      return transient
        ? { kind: 'retry', reason: r.reason, retryAfterMs: r.retryAfterMs }
        : { kind: 'rejected', reason: r.reason, message: r.message };
    }
  }
}

export class ChainUploader implements Uploader, ScpKeySource {
  constructor(private readonly client: BkdmsClient) {}

  async uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]> {
    return (await this.client.uploadBatch(envelopes)).map(toOutcome);
  }

  async receipt(tracingCode: string): Promise<ReceiptOutcome> {
    try {
      const r = await this.client.getReceipt(Buffer.from(tracingCode, 'hex'));
      return r.state === ReceiptState.Committed
        ? { kind: 'committed', height: r.height }
        : { kind: 'pending' };
    } catch (err) {
      if (err instanceof ApiError && err.code === ApiErrorCode.NotFound) return { kind: 'unknown' };
      throw err;
    }
  }

  async scpKeys(): Promise<ScpKey[]> {
    return (await this.client.getScpKeys()).keys;
  }
}
