import { afterAll, describe, expect, it } from 'vitest';
import { generateEd25519, sign } from '../../../crypto/ed25519.js';
import { CryptoError, CryptoErrorCode } from '../../../crypto/errors.js';
import { type VerifyItem, VerifyPool } from '../../../crypto/verify-pool.js';
import { asyncErrorCodeOf } from './helpers.js';

const keys = Array.from({ length: 4 }, () => generateEd25519());

/** n items, every `badEvery`-th one corrupted in a rotating way (message, signature, key, size). */
function batch(n: number, badEvery = 7): { items: VerifyItem[]; expected: boolean[] } {
  const items: VerifyItem[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const key = keys[i % keys.length]!;
    const message = Uint8Array.from({ length: 50 + (i % 200) }, (_, j) => (i * 31 + j) & 255);
    const signature = sign(key, message);
    const item = { publicKey: key.publicKey, message, signature };
    const bad = i % badEvery === 3;
    if (bad) {
      const kind = Math.floor(i / badEvery) % 4;
      if (kind === 0) item.message = Uint8Array.from(message, (b, j) => (j === 0 ? b ^ 1 : b));
      if (kind === 1) item.signature = Uint8Array.from(signature, (b, j) => (j === 10 ? b ^ 4 : b));
      if (kind === 2) item.publicKey = keys[(i + 1) % keys.length]!.publicKey;
      if (kind === 3) item.signature = signature.subarray(0, 63);
    }
    items.push(item);
    expected.push(!bad);
  }
  return { items, expected };
}

describe('VerifyPool', () => {
  const pool = new VerifyPool({ workers: 2 });
  afterAll(() => pool.close());

  it('verifies a large batch across workers with the same answers as the calling thread', async () => {
    const { items, expected } = batch(2000);
    expect(await pool.verifyBatch(items)).toEqual(expected);
    expect(pool.workerCount).toBe(2);
  });

  it('keeps small batches on the calling thread with the same answers', async () => {
    const { items, expected } = batch(10, 3);
    expect(await pool.verifyBatch(items)).toEqual(expected);
    expect(await pool.verifyBatch([])).toEqual([]);
  });

  it('serves many concurrent batches, each answer matching its own batch', async () => {
    const batches = Array.from({ length: 20 }, (_, i) => batch(40 + i * 13, 5 + (i % 4)));
    const answers = await Promise.all(batches.map((b) => pool.verifyBatch(b.items)));
    answers.forEach((a, i) => {
      expect(a).toEqual(batches[i]!.expected);
    });
  });
});

describe('VerifyPool limits and shutdown', () => {
  it('refuses a batch that would overflow the job queue', async () => {
    const pool = new VerifyPool({ workers: 1, maxQueuedJobs: 2, inlineBelow: 1, minRun: 1 });
    const first = pool.verifyBatch(batch(50).items);
    const second = pool.verifyBatch(batch(50).items);
    const third = pool.verifyBatch(batch(50).items);
    // The first job went to the worker; two wait; the third batch finds the queue full.
    expect(await asyncErrorCodeOf(pool.verifyBatch(batch(50).items))).toBe(CryptoErrorCode.QueueFull);
    expect((await first).length).toBe(50);
    await Promise.all([second, third]);
    await pool.close();
  });

  it('close drains accepted batches, then refuses new ones', async () => {
    const pool = new VerifyPool({ workers: 2 });
    const { items, expected } = batch(500);
    const pending = pool.verifyBatch(items);
    const closing = pool.close();
    expect(await pending).toEqual(expected);
    await closing;
    expect(await asyncErrorCodeOf(pool.verifyBatch(items))).toBe(CryptoErrorCode.Closed);
  });

  it('a worker that dies fails its job with WORKER_FAILED; a pool whose workers cannot run stops', async () => {
    const crashing = "require('node:worker_threads').parentPort.on('message', () => process.exit(3));";
    const pool = new VerifyPool({ workers: 1, workerSource: crashing });
    expect(await asyncErrorCodeOf(pool.verifyBatch(batch(100).items))).toBe(CryptoErrorCode.WorkerFailed);
    for (let i = 0; i < 4; i++) await asyncErrorCodeOf(pool.verifyBatch(batch(100).items));
    expect(await asyncErrorCodeOf(pool.verifyBatch(batch(100).items))).toBe(CryptoErrorCode.WorkerFailed);
    await pool.close();
  });

  it('refuses a batch over the size cap before packing it', async () => {
    const pool = new VerifyPool({ workers: 1, maxBatchItems: 100 });
    expect(await asyncErrorCodeOf(pool.verifyBatch(batch(101).items))).toBe(CryptoErrorCode.InvalidInput);
    expect((await pool.verifyBatch(batch(100).items)).length).toBe(100);
    await pool.close();
  });

  it('rejects a worker count below one with a typed error', () => {
    expect(() => new VerifyPool({ workers: 0 })).toThrow(CryptoError);
  });
});
