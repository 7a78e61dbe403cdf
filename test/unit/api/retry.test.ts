// Client retries: RESOURCE_EXHAUSTED with a hint is retried after at least the hint, reasons not
// worth retrying are not, attempts are bounded, and the backoff stays within its ceiling.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { backoffMs, defaultRetryPolicy, withRetry } from '../../../api/retry.js';
import { UploadStatus } from '../../../api/types.js';
import { accepted, bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({}, { retry: { maxAttempts: 3 } });
});
afterAll(() => rig.close());

const mempoolFull = () =>
  Promise.reject(
    Object.assign(new Error('MEMPOOL_FULL: full'), { code: 'MEMPOOL_FULL', meta: { retryAfterMs: 250 } }),
  );

describe('client retries over a real server', () => {
  it('retries RESOURCE_EXHAUSTED honouring the hint, then succeeds', async () => {
    rig.sleeps.length = 0;
    rig.node.batchScript.push(mempoolFull, mempoolFull);
    const res = await rig.client.upload(bytes(20, 5));
    expect(res.status).toBe(UploadStatus.Accepted);
    expect(rig.sleeps).toHaveLength(2);
    for (const ms of rig.sleeps) expect(ms).toBeGreaterThanOrEqual(250);
  });

  it('gives up after maxAttempts with the last reason and hint', async () => {
    rig.sleeps.length = 0;
    rig.node.batchScript.push(mempoolFull, mempoolFull, mempoolFull, mempoolFull);
    await expect(rig.client.upload(bytes(20, 5))).rejects.toMatchObject({
      code: ApiErrorCode.MempoolFull,
      retryAfterMs: 250,
    });
    expect(rig.sleeps).toHaveLength(2);
    rig.node.batchScript.length = 0;
  });

  it('does not retry a rejection that would fail again', async () => {
    rig.sleeps.length = 0;
    rig.node.batchScript.push(async () => [
      { ...accepted(bytes(1, 1)), status: UploadStatus.Rejected, reason: 'BAD_SIGNATURE', message: 'bad' },
    ]);
    await expect(rig.client.upload(bytes(20, 5))).rejects.toMatchObject({ code: ApiErrorCode.BadSignature });
    expect(rig.sleeps).toHaveLength(0);
  });

  it('retries a node that is not ready (UNAVAILABLE)', async () => {
    rig.sleeps.length = 0;
    rig.node.batchScript.push(() =>
      Promise.reject(Object.assign(new Error('starting'), { code: 'NOT_READY' })),
    );
    expect((await rig.client.upload(bytes(20, 5))).status).toBe(UploadStatus.Accepted);
    expect(rig.sleeps).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('full jitter stays within [0, min(max, initial * multiplier^n)]', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const ms = backoffMs(n, defaultRetryPolicy, () => r);
        const ceiling = Math.min(
          defaultRetryPolicy.maxBackoffMs,
          defaultRetryPolicy.initialBackoffMs * defaultRetryPolicy.multiplier ** n,
        );
        return ms >= 0 && ms <= ceiling;
      }),
    );
  });

  it('a hint is a floor, with at most 20 % jitter on top', () => {
    fc.assert(
      fc.property(
        fc.nat(60_000),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (hint, r) => {
          const ms = backoffMs(3, defaultRetryPolicy, () => r, hint);
          return ms >= hint && ms <= Math.ceil(hint * 1.2);
        },
      ),
    );
  });

  it('withRetry stops at the first success and passes other errors through', async () => {
    let calls = 0;
    const deps = { random: () => 0, sleep: async () => {} };
    const v = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ApiError(ApiErrorCode.Transport, 'down');
        return 'ok';
      },
      defaultRetryPolicy,
      deps,
    );
    expect([v, calls]).toEqual(['ok', 3]);
    await expect(
      withRetry(() => Promise.reject(new Error('plain')), defaultRetryPolicy, deps),
    ).rejects.toThrow('plain');
  });
});
