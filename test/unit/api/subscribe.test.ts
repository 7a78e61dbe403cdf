// SubscribeBlocks end to end: replay from a height then live blocks, resume after the stream
// breaks or the server goes away, cancellation reaching the node, and the subscription bound.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiErrorCode } from '../../../api/errors.js';
import { startApiServer } from '../../../api/server.js';
import type { BlockEvent } from '../../../api/types.js';
import { bytes } from './fake-node.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function take(
  it: AsyncIterable<BlockEvent>,
  n: number,
  onEach?: (ev: BlockEvent) => void,
): Promise<number[]> {
  const heights: number[] = [];
  for await (const ev of it) {
    heights.push(ev.height);
    expect(new Uint8Array(ev.certifiedBlock)).toEqual(bytes(100 + ev.height, ev.height));
    onEach?.(ev);
    if (heights.length === n) break;
  }
  return heights;
}

describe('SubscribeBlocks', () => {
  it('replays from a height, then delivers new blocks as they commit', async () => {
    rig = await startRig();
    for (let i = 0; i < 3; i++) rig.node.pushBlock();
    const r = rig;
    const heights = await take(r.client.subscribeBlocks(2), 4, (ev) => {
      if (ev.height === 3) {
        r.node.pushBlock();
        r.node.pushBlock();
      }
    });
    expect(heights).toEqual([2, 3, 4, 5]);
  });

  it('resumes from the next height after the stream breaks for a retriable reason', async () => {
    rig = await startRig();
    for (let i = 0; i < 5; i++) rig.node.pushBlock();
    rig.node.breakAfter = { count: 2, error: Object.assign(new Error('catching up'), { code: 'NOT_READY' }) };
    expect(await take(rig.client.subscribeBlocks(1), 5)).toEqual([1, 2, 3, 4, 5]);
    expect(rig.node.subscriptions.map((s) => s.from)).toEqual([1, 3]);
    expect(rig.sleeps).toHaveLength(1);
  });

  it('ends with the error when the stream fails for a reason not worth retrying', async () => {
    rig = await startRig();
    for (let i = 0; i < 3; i++) rig.node.pushBlock();
    rig.node.breakAfter = { count: 1, error: new Error('bug') };
    await expect(take(rig.client.subscribeBlocks(1), 3)).rejects.toMatchObject({
      code: ApiErrorCode.Internal,
    });
  });

  it('leaving the loop cancels the call and aborts the node iterator', async () => {
    rig = await startRig();
    rig.node.pushBlock();
    expect(await take(rig.client.subscribeBlocks(1), 1)).toEqual([1]);
    const signal = rig.node.subscriptions[0]!.signal;
    if (!signal.aborted) await once(signal, 'abort');
    expect(signal.aborted).toBe(true);
  });

  it('refuses subscriptions beyond the bound with TOO_MANY_STREAMS and a hint', async () => {
    rig = await startRig(
      { limits: { maxSubscriptions: 1, streamRetryAfterMs: 700 } },
      { retry: { maxAttempts: 1 } },
    );
    rig.node.pushBlock();
    const first = rig.client.subscribeBlocks(1)[Symbol.asyncIterator]();
    expect((await first.next()).value?.height).toBe(1);
    await expect(take(rig.client.subscribeBlocks(1), 1)).rejects.toMatchObject({
      code: ApiErrorCode.TooManyStreams,
      retryAfterMs: 700,
    });
    await first.return?.(undefined);
  });

  it('a stopping server ends subscriptions with STOPPED instead of waiting out its grace period', async () => {
    const r = await startRig({}, { retry: { maxAttempts: 1 } });
    r.node.pushBlock();
    const sub = r.client.subscribeBlocks(1)[Symbol.asyncIterator]();
    expect((await sub.next()).value?.height).toBe(1);
    const ended = expect(sub.next()).rejects.toMatchObject({ code: ApiErrorCode.Stopped });
    // A grace period longer than the test timeout: stop() resolves only if the stream was ended.
    await r.server.stop(60_000);
    await ended;
    r.client.close();
  });

  it('survives the server going away and coming back on the same port', async () => {
    rig = await startRig();
    const r = rig;
    for (let i = 0; i < 2; i++) r.node.pushBlock();
    let restarted: Promise<void> = Promise.resolve();
    let second: Awaited<ReturnType<typeof startApiServer>> | undefined;
    const client = new BkdmsClient({
      address: `127.0.0.1:${r.server.port}`,
      tls: { insecure: true },
      // The retry waits for the restart instead of a timer.
      deps: { random: () => 0, sleep: () => restarted },
    });
    try {
      const heights = await take(client.subscribeBlocks(1), 4, (ev) => {
        if (ev.height !== 2) return;
        restarted = r.server.stop(0).then(async () => {
          r.node.pushBlock();
          r.node.pushBlock();
          second = await startApiServer(r.node, {
            listen: `127.0.0.1:${r.server.port}`,
            tls: { insecure: true },
          });
        });
      });
      expect(heights).toEqual([1, 2, 3, 4]);
      expect(r.node.subscriptions.at(-1)!.from).toBe(3);
    } finally {
      client.close();
      await second?.stop(0);
    }
  });
});
