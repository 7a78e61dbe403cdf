// What the site makes of a node's receipt: applied, refused when its block executed (COMMITTED
// with a reason in `result`, e.g. KeyRotated after a rotation committed first), pending, unknown,
// evicted (REPLAYED); and of an upload answer (ALREADY_COMMITTED carries the recorded result).
// A refusal at execution must not read as committed, or the site would drop a reading the chain
// never applied.
import { describe, expect, it } from 'vitest';
import type { BkdmsClient } from '../../../api/client.js';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { ReceiptState, type ReceiptView, type UploadResult, UploadStatus } from '../../../api/types.js';
import { ChainCache } from '../../../site/chain-cache.js';
import { ChainUploader, toOutcome } from '../../../site/chain-uploader.js';

function uploaderAnswering(answer: () => ReceiptView): ChainUploader {
  const client = { getReceipt: async () => answer() } as unknown as BkdmsClient;
  return new ChainUploader([client], new Uint8Array(16), new ChainCache());
}

const receipt = (state: ReceiptState, result: string, height: number): ReceiptView => ({
  tracingCode: new Uint8Array(32),
  state,
  height,
  index: 0,
  result,
  blockTime: 0,
});

describe('ChainUploader.receipt', () => {
  it('maps each receipt to what the upload loop does with it', async () => {
    const tc = 'ab'.repeat(32);
    const of = (r: ReceiptView) => uploaderAnswering(() => r).receipt(tc);
    expect(await of(receipt(ReceiptState.Committed, '', 5))).toEqual({ kind: 'committed', height: 5 });
    expect(await of(receipt(ReceiptState.Committed, 'KeyRotated', 5))).toEqual({
      kind: 'refused',
      reason: 'KeyRotated',
    });
    expect(await of(receipt(ReceiptState.Pending, '', 0))).toEqual({ kind: 'pending' });
    const unknown = uploaderAnswering(() => {
      throw new ApiError(ApiErrorCode.NotFound, 'unknown tracing code');
    });
    expect(await unknown.receipt(tc)).toEqual({ kind: 'unknown' });
    // Admitted, then evicted by the node: another envelope spent its sequence number.
    const evicted = uploaderAnswering(() => {
      throw new ApiError(
        ApiErrorCode.Replayed,
        'evicted: sequence number 4 was spent by envelope ab in block 7',
      );
    });
    const r = await evicted.receipt(tc);
    expect(r.kind).toBe('replayed');
    expect(r.kind === 'replayed' && r.message).toContain('sequence number 4 was spent');
  });
});

describe('toOutcome', () => {
  const res = (status: UploadStatus, reason = '', message = ''): UploadResult => ({
    status,
    tracingCode: new Uint8Array(32),
    reason,
    message,
    retryAfterMs: 0,
  });

  it('reads ALREADY_COMMITTED with a result as refused at execution, not as committed', () => {
    expect(toOutcome(res(UploadStatus.AlreadyCommitted))).toEqual({ kind: 'committed' });
    expect(toOutcome(res(UploadStatus.AlreadyCommitted, 'SiteSuspended', 'refused at execution'))).toEqual({
      kind: 'refused',
      reason: 'SiteSuspended',
    });
    expect(toOutcome(res(UploadStatus.AlreadyPending))).toEqual({ kind: 'admitted' });
    expect(toOutcome(res(UploadStatus.Rejected, ApiErrorCode.Replayed, 'seq spent'))).toEqual({
      kind: 'rejected',
      reason: ApiErrorCode.Replayed,
      message: 'seq spent',
    });
  });

  const refused = (reason: ApiErrorCode) =>
    toOutcome({
      status: UploadStatus.Rejected,
      tracingCode: new Uint8Array(32),
      reason,
      message: 'refused by the permission contract',
      retryAfterMs: 0,
    }).kind;

  it('keeps an envelope ahead of the node clock for a later try; gives up a seq too far ahead', () => {
    expect(refused(ApiErrorCode.TimeInFuture)).toBe('retry');
    expect(refused(ApiErrorCode.MempoolFull)).toBe('retry');
    expect(refused(ApiErrorCode.SeqTooFar)).toBe('rejected');
    expect(refused(ApiErrorCode.Unauthorized)).toBe('rejected');
  });
});
