// One persistent outbound stream to one peer: frames are queued and written one after another on
// a stream kept open between messages, so a message costs a frame write, not a stream opening and
// a close handshake. The queue is bounded (frames and bytes; the oldest frame is dropped and
// counted), a frame that waited longer than the deadline is dropped instead of sent late, a write
// the peer does not take within the deadline aborts the stream, and a failed stream is reopened
// with backoff. Consensus retransmits on its own timers, so a dropped frame is counted, not retried.
import type { Stream } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';

export interface StreamWriterOptions {
  /** Frames queued at most; beyond it the oldest is dropped. */
  maxFrames: number;
  /** Bytes queued at most (a lone frame larger than this is still kept); beyond it the oldest go. */
  maxBytes: number;
  /** A frame older than this is dropped unsent; a write not taken within it aborts the stream (ms). */
  timeoutMs: number;
  /** Reopen backoff after a failed stream: first delay and ceiling (ms). */
  backoffMinMs: number;
  backoffMaxMs: number;
}

/** Counters of one writer, summed over peers by PeerStreams. */
export interface StreamWriterStats {
  /** Frames handed to the muxer. */
  sent: number;
  /** Frames dropped because the queue was full (oldest first). */
  dropped: number;
  /** Frames dropped because they waited longer than the deadline, or were in flight on a failed stream. */
  expired: number;
  /** Streams opened (the first and every reopening). */
  opened: number;
  /** Streams that failed (could not open, write deadline, reset, peer gone). */
  failed: number;
}

export function emptyWriterStats(): StreamWriterStats {
  return { sent: 0, dropped: 0, expired: 0, opened: 0, failed: 0 };
}

interface Queued {
  frame: Uint8Array;
  at: number;
}

export class StreamWriter {
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private running = false;
  private closed = false;
  private failures = 0;
  private wake: (() => void) | undefined;
  private stream: Stream | undefined;
  private backoffTimer: ReturnType<typeof setTimeout> | undefined;
  private endBackoff: (() => void) | undefined;

  constructor(
    private readonly open: () => Promise<Stream>,
    private readonly opts: StreamWriterOptions,
    private readonly stats: StreamWriterStats,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes waiting in the queue (not counting what the muxer holds). */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  get pendingFrames(): number {
    return this.queue.length;
  }

  /** Queues one encoded frame; starts the stream if none is open. */
  push(frame: Uint8Array): void {
    if (this.closed) throw new P2PError(P2PErrorCode.Stopped, 'stream writer closed');
    this.queue.push({ frame, at: this.now() });
    this.queuedBytes += frame.length;
    while (
      this.queue.length > 1 &&
      (this.queue.length > this.opts.maxFrames || this.queuedBytes > this.opts.maxBytes)
    ) {
      this.queuedBytes -= this.queue.shift()!.frame.length;
      this.stats.dropped++;
    }
    this.signal();
    if (!this.running) void this.run();
  }

  /** Drops the queue and aborts the stream; the writer is not used again. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    clearTimeout(this.backoffTimer);
    this.endBackoff?.();
    this.stream?.abort(new P2PError(P2PErrorCode.Stopped, 'stream writer closed'));
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Opens streams while there is something to send; returns when the queue is empty and no stream is up. */
  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        try {
          const stream = await this.open();
          if (this.closed) {
            stream.abort(new P2PError(P2PErrorCode.Stopped, 'stream writer closed'));
            break;
          }
          this.stats.opened++;
          await this.pump(stream);
        } catch {
          // Counted below; the cause (dial refused, deadline, reset) changes nothing here.
        }
        if (this.closed) break;
        this.stats.failed++;
        this.failures++;
        await this.backoff();
      }
    } finally {
      this.running = false;
    }
  }

  /** Writes queued frames on `stream` until it fails or the writer closes. */
  private async pump(stream: Stream): Promise<void> {
    this.stream = stream;
    let alive = true;
    // The receiver never writes: its side ending (reset, connection lost, close) ends this stream.
    const watch = (async () => {
      try {
        for await (const _ of stream.source) {
          // Nothing is expected; anything sent is ignored.
        }
      } catch {
        // Reset or aborted: same outcome.
      }
      alive = false;
      this.signal();
    })();
    let inFlight = false;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const self = this;
    async function* frames(): AsyncGenerator<Uint8Array> {
      while (alive && !self.closed) {
        const next = self.take();
        if (next === undefined) {
          await new Promise<void>((resolve) => {
            self.wake = resolve;
          });
          continue;
        }
        inFlight = true;
        deadline = setTimeout(() => {
          stream.abort(new P2PError(P2PErrorCode.Timeout, 'peer did not take a frame in time'));
        }, self.opts.timeoutMs);
        yield next;
        // Resumed: the muxer took the frame.
        clearTimeout(deadline);
        inFlight = false;
        self.stats.sent++;
        self.failures = 0;
      }
    }
    try {
      // The sink can stay pending after the stream died (libp2p's protocol-selection wrapper waits
      // for a consumer that is gone), so the stream's end is what ends the pump.
      await Promise.race([stream.sink(frames()), watch]);
    } finally {
      clearTimeout(deadline);
      if (inFlight) this.stats.expired++;
      this.stream = undefined;
      stream.abort(new P2PError(P2PErrorCode.Unreachable, 'stream ended'));
      await watch;
    }
    if (!this.closed) throw new P2PError(P2PErrorCode.Unreachable, 'stream ended');
  }

  /** The oldest frame that has not waited past the deadline; older ones are dropped. */
  private take(): Uint8Array | undefined {
    const oldest = this.now() - this.opts.timeoutMs;
    while (this.queue.length > 0) {
      const q = this.queue.shift()!;
      this.queuedBytes -= q.frame.length;
      if (q.at >= oldest) return q.frame;
      this.stats.expired++;
    }
    return undefined;
  }

  private backoff(): Promise<void> {
    const ms = Math.min(
      this.opts.backoffMaxMs,
      this.opts.backoffMinMs * 2 ** Math.min(this.failures - 1, 16),
    );
    return new Promise<void>((resolve) => {
      this.endBackoff = resolve;
      this.backoffTimer = setTimeout(resolve, ms);
    }).then(() => {
      this.endBackoff = undefined;
      // What waited through the backoff is dropped, so an unreachable peer does not hold its queue.
      const oldest = this.now() - this.opts.timeoutMs;
      while (this.queue.length > 0 && this.queue[0]!.at < oldest) {
        this.queuedBytes -= this.queue.shift()!.frame.length;
        this.stats.expired++;
      }
    });
  }
}
