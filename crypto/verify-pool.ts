// Ed25519 batch verification on worker threads (one per core by default), for envelope and vote
// signatures at admission and for the digest signatures of the uploads the platform extracts. A batch is split into one run per worker so that a single large batch
// uses every core; small batches stay on the calling thread, where a round trip to a worker would
// cost more than the verifications. Jobs waiting for a worker are bounded (QueueFull past the
// cap); close() drains what was accepted, then stops the workers.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verify } from './ed25519.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { sodiumModulePath } from './sodium.js';
import { packJob, splitRuns, type VerifyItem, wellSized } from './verify-job.js';
import { VERIFY_WORKER_SOURCE } from './verify-worker-source.js';

export type { VerifyItem } from './verify-job.js';

export interface VerifyPoolOptions {
  /** Worker threads; default one per core. */
  workers: number;
  /** Batches with fewer items are verified on the calling thread. */
  inlineBelow: number;
  /** Smallest run sent to one worker. */
  minRun: number;
  /** Most jobs waiting for a free worker; a batch that would exceed it is refused. */
  maxQueuedJobs: number;
  /** Largest batch accepted (checked before anything is packed). */
  maxBatchItems: number;
  /** Worker source (tests substitute a failing one). */
  workerSource: string;
}

export const defaultVerifyPoolOptions = (): VerifyPoolOptions => ({
  workers: availableParallelism(),
  inlineBelow: 16,
  minRun: 8,
  maxQueuedJobs: 1024,
  maxBatchItems: 100_000,
  workerSource: VERIFY_WORKER_SOURCE,
});

interface Job {
  id: number;
  buf: ArrayBuffer;
  count: number;
  resolve: (out: Uint8Array) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Job | null;
}

export class VerifyPool {
  private readonly opts: VerifyPoolOptions;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  /** Worker failures since the last good answer; past a limit the pool stops respawning. */
  private failures = 0;
  private broken: string | null = null;

  constructor(opts: Partial<VerifyPoolOptions> = {}) {
    this.opts = { ...defaultVerifyPoolOptions(), ...opts };
    if (!Number.isInteger(this.opts.workers) || this.opts.workers < 1)
      throw new CryptoError(CryptoErrorCode.InvalidInput, 'workers must be >= 1', {
        workers: this.opts.workers,
      });
    for (let i = 0; i < this.opts.workers; i++) this.slots.push(this.spawn());
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /** Verifies every item; result i is true when item i's signature is valid for its key and message. */
  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (this.closed) throw new CryptoError(CryptoErrorCode.Closed, 'verification pool is closed');
    if (this.broken)
      throw new CryptoError(CryptoErrorCode.WorkerFailed, `workers keep failing: ${this.broken}`);
    if (items.length > this.opts.maxBatchItems)
      throw new CryptoError(CryptoErrorCode.InvalidInput, 'verification batch too large', {
        items: items.length,
        max: this.opts.maxBatchItems,
      });
    const results = new Array<boolean>(items.length).fill(false);
    if (items.length < this.opts.inlineBelow) {
      items.forEach((it, i) => {
        results[i] = verify(it.publicKey, it.message, it.signature);
      });
      return results;
    }
    const indexes: number[] = [];
    items.forEach((it, i) => {
      if (wellSized(it)) indexes.push(i);
    });
    const runs = splitRuns(indexes, this.slots.length, this.opts.minRun);
    if (this.queue.length + runs.length > this.opts.maxQueuedJobs)
      throw new CryptoError(CryptoErrorCode.QueueFull, 'verification queue is full', {
        queued: this.queue.length,
        max: this.opts.maxQueuedJobs,
      });
    const answers = runs.map((run) => this.submit(packJob(items, run), run.length));
    const outs = await Promise.all(answers);
    runs.forEach((run, r) => {
      run.forEach((index, k) => {
        results[index] = outs[r]![k] === 1;
      });
    });
    return results;
  }

  /** Refuses new batches, waits for accepted ones to finish, then terminates the workers. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    })();
    return this.closing;
  }

  private submit(buf: ArrayBuffer, count: number): Promise<Uint8Array> {
    this.inFlight++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, buf, count, resolve, reject });
      this.pump();
    }).finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.busy = job;
      slot.worker.postMessage({ id: job.id, buf: job.buf, count: job.count }, [job.buf]);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.workerSource, {
      eval: true,
      workerData: { sodiumPath: sodiumModulePath },
    });
    const slot: Slot = { worker, busy: null };
    worker.on('message', (msg: { id: number; out: Uint8Array }) => {
      const job = slot.busy;
      if (!job || msg.id !== job.id || msg.out.length !== job.count)
        return this.fail(slot, 'answer out of protocol');
      slot.busy = null;
      this.failures = 0;
      job.resolve(msg.out);
      this.pump();
    });
    worker.on('error', (e) => this.fail(slot, e.message));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(slot, `worker exited with code ${code}`);
    });
    return slot;
  }

  /**
   * A worker that errs or dies takes its job down with it (retrying could crash the next one) and a
   * fresh worker takes its place. Repeated failures with no good answer in between mean the workers
   * cannot run at all (e.g. the native module does not load): the pool then fails every job.
   */
  private fail(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const error = new CryptoError(CryptoErrorCode.WorkerFailed, `verification worker failed: ${reason}`);
    slot.busy?.reject(error);
    slot.busy = null;
    void slot.worker.terminate();
    this.failures++;
    if (this.closed || this.failures > 3 * this.opts.workers) {
      if (!this.closed) this.broken = reason;
      this.slots.splice(i, 1);
      if (this.slots.length === 0) for (const job of this.queue.splice(0)) job.reject(error);
      return;
    }
    this.slots[i] = this.spawn();
    this.pump();
  }
}
