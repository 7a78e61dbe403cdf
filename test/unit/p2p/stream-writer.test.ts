// The bounded queue of one persistent outbound stream: what a peer that cannot be reached, or does
// not read, can make this node hold. Streams themselves are exercised on real hosts in
// test/integration/p2p-consensus-streams.test.ts.
import type { Stream } from '@libp2p/interface';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyWriterStats, StreamWriter, type StreamWriterOptions } from '../../../node/p2p/stream-writer.js';

const OPTS: StreamWriterOptions = {
  maxFrames: 3,
  maxBytes: 100,
  timeoutMs: 1_000,
  backoffMinMs: 50,
  backoffMaxMs: 400,
};

afterEach(() => {
  vi.useRealTimers();
});

describe('stream writer queue', () => {
  it('keeps at most maxFrames, dropping the oldest and counting them', () => {
    const stats = emptyWriterStats();
    // A dial that never completes: nothing leaves the queue.
    const w = new StreamWriter(() => new Promise<Stream>(() => {}), OPTS, stats);
    for (let i = 0; i < 10; i++) w.push(Uint8Array.of(i));
    expect(w.pendingFrames).toBe(3);
    expect(w.pendingBytes).toBe(3);
    expect(stats.dropped).toBe(7);
    w.close();
    expect(w.pendingFrames).toBe(0);
  });

  it('keeps at most maxBytes, but never drops the only frame', () => {
    const stats = emptyWriterStats();
    const w = new StreamWriter(() => new Promise<Stream>(() => {}), OPTS, stats);
    w.push(new Uint8Array(60));
    w.push(new Uint8Array(60));
    expect([w.pendingFrames, w.pendingBytes, stats.dropped]).toEqual([1, 60, 1]);
    w.push(new Uint8Array(500));
    expect([w.pendingFrames, w.pendingBytes, stats.dropped]).toEqual([1, 500, 2]);
    w.close();
  });

  it('retries a failed open with growing backoff and drops frames that waited past the deadline', async () => {
    vi.useFakeTimers();
    let now = 0;
    const stats = emptyWriterStats();
    let opens = 0;
    const w = new StreamWriter(
      async () => {
        opens++;
        throw new Error('unreachable');
      },
      OPTS,
      stats,
      () => now,
    );
    w.push(Uint8Array.of(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(opens).toBe(1);
    // Backoff 50 ms, then 100 ms: a second and a third attempt.
    await vi.advanceTimersByTimeAsync(50);
    expect(opens).toBe(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(opens).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(opens).toBe(3);
    expect(w.pendingFrames).toBe(1);
    // The frame is older than the deadline at the end of the next backoff: dropped, and the writer
    // stops trying until something new is queued.
    now = 1_001;
    await vi.advanceTimersByTimeAsync(200);
    expect(w.pendingFrames).toBe(0);
    expect(stats.expired).toBe(1);
    expect(stats.failed).toBe(3);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(opens).toBe(3);
    w.close();
  });
});
