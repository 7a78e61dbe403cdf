import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeBatch } from '../../../node/p2p/batch-codec.js';
import { EnvelopeBatcher } from '../../../node/p2p/batcher.js';
import { P2PErrorCode } from '../../../node/p2p/errors.js';
import type { BatcherOptions } from '../../../node/p2p/options.js';

const opts = (o: Partial<BatcherOptions> = {}): BatcherOptions => ({
  maxItems: 4,
  maxBytes: 1000,
  maxDelayMs: 5,
  maxQueued: 8,
  ...o,
});

/** A batcher whose published batches are recorded as arrays of first bytes. */
function recording(o: Partial<BatcherOptions> = {}) {
  const batches: number[][] = [];
  const b = new EnvelopeBatcher(opts(o), async (batch, count) => {
    const items = decodeBatch(batch, 1000);
    expect(items.length).toBe(count);
    batches.push(items.map((x) => x[0]!));
  });
  return { b, batches };
}

const env = (tag: number, size = 1) => new Uint8Array(size).fill(tag);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('envelope batcher', () => {
  it('publishes as soon as a batch holds maxItems envelopes', async () => {
    const { b, batches } = recording();
    for (let i = 1; i <= 5; i++) b.add(env(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('publishes a partial batch after maxDelayMs, not before', async () => {
    const { b, batches } = recording();
    b.add(env(1));
    b.add(env(2));
    await vi.advanceTimersByTimeAsync(4);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2]]);
  });

  it('starts a new batch before one would pass maxBytes', async () => {
    // Each envelope takes 100 + 4 bytes; the batch header 4: two fit in 250, three do not.
    const { b, batches } = recording({ maxBytes: 250 });
    for (let i = 1; i <= 3; i++) b.add(env(i, 100));
    await b.flush();
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('refuses an envelope that can never fit a batch', () => {
    const { b } = recording({ maxBytes: 50 });
    expect(() => b.add(env(1, 47))).toThrow(expect.objectContaining({ code: P2PErrorCode.Oversized }));
    expect(b.add(env(1, 42))).toBe(true);
  });

  it('is bounded: add returns false while maxQueued envelopes wait or are in flight', async () => {
    let release: () => void = () => {};
    const published: number[] = [];
    const b = new EnvelopeBatcher(opts(), (_batch, count) => {
      published.push(count);
      return new Promise((resolve) => (release = resolve));
    });
    for (let i = 0; i < 8; i++) expect(b.add(env(i))).toBe(true);
    expect(b.add(env(9))).toBe(false);
    expect(b.queued).toBe(8);
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual([4]); // the second batch waits for the first publish
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual([4, 4]);
    expect(b.queued).toBe(4);
    expect(b.add(env(9))).toBe(true);
    release();
    await vi.advanceTimersByTimeAsync(10);
    release();
    await b.flush();
    expect(b.queued).toBe(0);
  });

  it('reports a failed publish and frees its slots', async () => {
    const errors: number[] = [];
    const b = new EnvelopeBatcher(
      opts(),
      async () => {
        throw new Error('no peers');
      },
      (_err, count) => errors.push(count),
    );
    b.add(env(1));
    await b.flush();
    expect(errors).toEqual([1]);
    expect(b.queued).toBe(0);
  });

  it('after stop, drops pending envelopes and refuses new ones', async () => {
    const { b, batches } = recording();
    b.add(env(1));
    await b.stop();
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([]);
    expect(() => b.add(env(2))).toThrow(expect.objectContaining({ code: P2PErrorCode.Stopped }));
  });

  it('rejects inconsistent options', () => {
    expect(() => new EnvelopeBatcher(opts({ maxQueued: 2 }), async () => {})).toThrow(
      expect.objectContaining({ code: P2PErrorCode.BadOptions }),
    );
  });
});
