// Collects envelopes and publishes them as batches: when a batch reaches `maxItems` envelopes,
// when the next envelope would push it over `maxBytes`, or `maxDelayMs` after its first
// envelope, whichever comes first. Gossipsub moves ~1.8k messages/s here but large messages
// cheaply, so batching is what lets envelopes keep up with uploads.
//
// Bounded: envelopes pending plus envelopes inside batches still being published never exceed
// `maxQueued`; `add` returns false beyond that and the caller (admission) pushes back.
import { batchSize, encodeBatch } from './batch-codec.js';
import { P2PError, P2PErrorCode } from './errors.js';
import type { BatcherOptions } from './options.js';

export type PublishBatch = (batch: Uint8Array, count: number) => Promise<void>;

export class EnvelopeBatcher {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private inflight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Publishes run one after another, in order. */
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly opts: BatcherOptions,
    private readonly publish: PublishBatch,
    private readonly onError: (err: unknown, count: number) => void = () => {},
  ) {
    if (opts.maxItems < 1 || opts.maxQueued < opts.maxItems || opts.maxDelayMs < 0)
      throw new P2PError(P2PErrorCode.BadOptions, 'batcher needs 1 <= maxItems <= maxQueued, delay >= 0');
  }

  /** Envelopes waiting or being published. */
  get queued(): number {
    return this.pending.length + this.inflight;
  }

  /**
   * Queues one envelope. Returns false when the queue is full (retry later); throws OVERSIZED for
   * an envelope that could never fit in a batch, and STOPPED after `stop`.
   */
  add(envelope: Uint8Array): boolean {
    if (this.stopped) throw new P2PError(P2PErrorCode.Stopped, 'batcher stopped');
    if (batchSize(envelope.length, 1) > this.opts.maxBytes)
      throw new P2PError(P2PErrorCode.Oversized, 'envelope larger than a batch', {
        length: envelope.length,
        maxBytes: this.opts.maxBytes,
      });
    if (this.queued >= this.opts.maxQueued) return false;
    if (batchSize(this.pendingBytes + envelope.length, this.pending.length + 1) > this.opts.maxBytes)
      this.cut();
    this.pending.push(envelope);
    this.pendingBytes += envelope.length;
    if (this.pending.length >= this.opts.maxItems) this.cut();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.cut(), this.opts.maxDelayMs);
    return true;
  }

  /** Publishes what is pending now and resolves when every batch so far has been published. */
  async flush(): Promise<void> {
    this.cut();
    await this.tail;
  }

  /** Stops the timer and drops what is pending; batches already being published finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.pending = [];
    this.pendingBytes = 0;
    await this.tail;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private cut(): void {
    this.clearTimer();
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.inflight += items.length;
    const batch = encodeBatch(items);
    this.tail = this.tail.then(async () => {
      try {
        await this.publish(batch, items.length);
      } catch (err) {
        this.onError(err, items.length);
      } finally {
        this.inflight -= items.length;
      }
    });
  }
}
