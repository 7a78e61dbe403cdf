// A long-lived AbortSignal (a process's shutdown signal) passed to call after call, pause after
// pause and stream after stream keeps no listener once each has finished: a follower, an uploader
// or the console passes its one signal for weeks, and a listener per call would be a slow leak.
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pause } from '../../../api/retry.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

const ROUNDS = 30;
const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
  for (let i = 0; i < 3; i++) rig.node.pushBlock();
});
afterAll(() => rig.close());

describe('abort listeners on a long-lived signal', () => {
  it('a pause that ran its time takes its listener with it', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < ROUNDS; i++) {
      expect(await pause(0, signal)).toBe(true);
      expect(listeners(signal)).toBe(0);
    }
  });

  it('a pause ended by the abort resolves false and leaves nothing', async () => {
    const ac = new AbortController();
    const paused = pause(60_000, ac.signal);
    expect(listeners(ac.signal)).toBe(1);
    ac.abort();
    expect(await paused).toBe(false);
    expect(listeners(ac.signal)).toBe(0);
  });

  it('unary calls made with one signal leave no listener behind', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < ROUNDS; i++) {
      await rig.client.getStatus({ signal });
      expect(listeners(signal)).toBe(0);
    }
  });

  it('block streams opened and left with one signal leave no listener behind', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < ROUNDS; i++) {
      for await (const ev of rig.client.subscribeBlocks(1, signal)) {
        expect(ev.height).toBe(1);
        // While the stream is open its one listener is there to cancel it.
        expect(listeners(signal)).toBe(1);
        break;
      }
      expect(listeners(signal)).toBe(0);
    }
  });
});
