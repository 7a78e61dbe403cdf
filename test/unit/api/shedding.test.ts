// Bounded work in progress: with maxInFlight calls being handled, the next is shed at once with
// RATE_LIMITED and a retry hint, and the node serves again as soon as one finishes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import type { UploadResult } from '../../../api/types.js';
import { accepted, bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ limits: { maxInFlight: 1, busyRetryAfterMs: 321 } }, { retry: { maxAttempts: 1 } });
});
afterAll(() => rig.close());

it('sheds the call over the in-flight bound with RATE_LIMITED and a hint', async () => {
  let finish!: (r: UploadResult[]) => void;
  const entered = new Promise<void>((inside) => {
    rig.node.batchScript.push(
      () =>
        new Promise<UploadResult[]>((resolve) => {
          finish = resolve;
          inside();
        }),
    );
  });
  const first = rig.client.upload(bytes(10, 1));
  await entered;
  await expect(rig.client.getStatus()).rejects.toMatchObject({
    code: ApiErrorCode.RateLimited,
    retryAfterMs: 321,
  });
  finish([accepted(bytes(10, 1))]);
  expect((await first).tracingCode[0]).toBe(1);
  expect((await rig.client.getStatus()).height).toBe(7);
});
