// Every attempt carries a deadline: a handler that never answers makes the call fail with
// DEADLINE_EXCEEDED, which is not retried (the node may be working on it).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
let release: () => void = () => {};
beforeAll(async () => {
  rig = await startRig({}, { deadlineMs: 150 });
});
afterAll(async () => {
  release();
  await rig.close();
});

it('a call past its deadline fails with DEADLINE_EXCEEDED and is not retried', async () => {
  const stuck = new Promise<never>((_res, rej) => {
    release = () => rej(new Error('released'));
  });
  rig.node.batchScript.push(() => stuck);
  await expect(rig.client.upload(bytes(10, 1))).rejects.toMatchObject({
    code: ApiErrorCode.DeadlineExceeded,
  });
  expect(rig.sleeps).toHaveLength(0);
  // The server is still serving.
  expect((await rig.client.getStatus()).height).toBe(7);
});
