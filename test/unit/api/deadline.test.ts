// Every attempt carries a deadline: a handler that never answers makes the call fail with
// DEADLINE_EXCEEDED, which is not retried (the node may be working on it).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiErrorCode } from '../../../api/errors.js';
import { bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig;
let release: () => void = () => {};
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  release();
  await rig.close();
});

it('a call past its deadline fails with DEADLINE_EXCEEDED and is not retried', async () => {
  const sleeps: number[] = [];
  const hasty = new BkdmsClient({
    address: `127.0.0.1:${rig.server.port}`,
    tls: { insecure: true },
    deadlineMs: 150,
    deps: { random: () => 0, sleep: async (ms) => void sleeps.push(ms) },
  });
  try {
    const stuck = new Promise<never>((_res, rej) => {
      release = () => rej(new Error('released'));
    });
    rig.node.batchScript.push(() => stuck);
    await expect(hasty.upload(bytes(10, 1))).rejects.toMatchObject({ code: ApiErrorCode.DeadlineExceeded });
    expect(sleeps).toHaveLength(0);
    // The server is still serving (asked with the default deadline, so a busy machine cannot fail it).
    expect((await rig.client.getStatus()).height).toBe(7);
  } finally {
    hasty.close();
  }
});

it('a per-call deadline overrides the client default', async () => {
  rig.node.batchScript.push(() => new Promise<never>(() => {}));
  await expect(rig.client.upload(bytes(10, 2), { deadlineMs: 150 })).rejects.toMatchObject({
    code: ApiErrorCode.DeadlineExceeded,
  });
});

it('aborting the signal cancels the call and its retries with CANCELLED', async () => {
  let entered!: () => void;
  const inside = new Promise<void>((r) => {
    entered = r;
  });
  rig.node.batchScript.push(() => {
    entered();
    return new Promise<never>(() => {});
  });
  const ac = new AbortController();
  const sleepsBefore = rig.sleeps.length;
  const call = rig.client.upload(bytes(10, 3), { signal: ac.signal });
  await inside;
  ac.abort();
  await expect(call).rejects.toMatchObject({ code: ApiErrorCode.Cancelled });
  expect(rig.sleeps.length).toBe(sleepsBefore);
  await expect(rig.client.getStatus({ signal: ac.signal })).rejects.toMatchObject({
    code: ApiErrorCode.Cancelled,
  });
});
