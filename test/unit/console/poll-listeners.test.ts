// The console's loops run for as long as the console does, round after round on one shutdown
// signal: its once-a-second poll and each node's reopened sample stream must leave no abort
// listener on that signal per round (Node warns at eleven; weeks of rounds would be a leak).
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManagementClient } from '../../../api/management-client.js';
import type { NodeSample } from '../../../api/management-types.js';
import { NodeWatch } from '../../../console/node-watch.js';
import { ConsoleService } from '../../../console/service.js';

const ROUNDS = 30;
const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('abort listeners of the console loops', () => {
  it('the poll loop adds none per round', async () => {
    // No nodes: each round is the loop's own work alone, with nothing upstream to wait for.
    const svc = new ConsoleService({ rpc: [], tls: () => ({ insecure: true }), pollMs: 0 });
    // The shutdown signal is the service's own; the test reads it to count what hangs on it.
    const signal = (svc as unknown as { abort: AbortController }).abort.signal;
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => {
      svc.subscribe(() => {
        seen.push(listeners(signal));
        if (seen.length === ROUNDS) resolve();
      });
    });
    await svc.start();
    await done;
    svc.stop();
    expect(seen).toHaveLength(ROUNDS);
    expect(Math.max(...seen)).toBe(0);
    expect(listeners(signal)).toBe(0);
  });

  it('reopening a failed sample stream adds none per attempt', async () => {
    const seen: number[] = [];
    let reached!: () => void;
    const done = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // A node whose WatchNode fails at once, every time: the watch pauses and reopens it.
    vi.spyOn(ManagementClient.prototype, 'watchNode').mockImplementation(async function* (_max, signal) {
      if (signal === undefined) throw new Error('the watch passes no signal');
      seen.push(listeners(signal));
      if (seen.length === ROUNDS) reached();
      yield* [] as NodeSample[];
      throw new Error('node down');
    });
    const watch = new NodeWatch({ rpc: '127.0.0.1:1', name: 'node 0', tls: { insecure: true }, reopenMs: 0 });
    const following = watch.followSamples();
    await done;
    watch.close();
    await following;
    expect(seen.length).toBeGreaterThanOrEqual(ROUNDS);
    expect(Math.max(...seen)).toBe(0);
  });
});
