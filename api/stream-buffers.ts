// Bytes of certified blocks that SubscribeBlocks has written but HTTP/2 has not yet taken, per
// stream and in total. grpc-js's writable stream counts messages, not bytes (write() turns false
// only at 16 queued messages, whatever their size), so a subscriber that never reads used to hold
// up to 16 blocks, and every such subscriber as many. A write's callback fires once HTTP/2 flow
// control has let the message out, i.e. once the subscriber has read what came before: the bytes
// written but not yet called back are what the node holds for a subscriber that is not reading.
//
// A stream writes the next block only while its own unread bytes stay within the per-stream cap (a
// block larger than the cap goes alone) and the total within the node-wide cap; otherwise it
// waits for its own next write callback, so a slow reader is slowed down, never dropped. A stream
// that holds nothing yet finds the total full would wait on other subscribers reading: it is ended
// with TOO_MANY_STREAMS and a retry hint instead, like a subscription over the count bound.
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode } from './errors.js';

export class StreamBuffers {
  private total = 0;
  private waitingStreams = 0;

  constructor(
    private readonly perStreamBytes: number,
    private readonly totalBytes: number,
    private readonly retryAfterMs: number,
  ) {}

  /** Unread bytes across all subscription streams. */
  get bufferedBytes(): number {
    return this.total;
  }

  /** Streams waiting for their subscriber to read before they write more. */
  get waiting(): number {
    return this.waitingStreams;
  }

  /** The buffer account of one subscription stream. */
  open(): StreamBuffer {
    return new StreamBuffer({
      perStreamBytes: this.perStreamBytes,
      roomInTotal: (size) => this.total === 0 || this.total + size <= this.totalBytes,
      add: (n) => {
        this.total += n;
      },
      waiting: (d) => {
        this.waitingStreams += d;
      },
      full: () =>
        new ApiError(
          ApiErrorCode.TooManyStreams,
          `block subscriptions hold ${this.total} unread bytes, at most ${this.totalBytes}`,
          {},
          this.retryAfterMs,
        ),
    });
  }
}

interface Account {
  perStreamBytes: number;
  roomInTotal(size: number): boolean;
  add(n: number): void;
  waiting(delta: number): void;
  full(): ApiError;
}

export class StreamBuffer {
  /** Bytes written whose write callback has not fired yet. */
  private unread = 0;
  private closed = false;
  private progress: (() => void) | undefined;

  constructor(private readonly account: Account) {}

  get bufferedBytes(): number {
    return this.unread;
  }

  /**
   * Writes `message` (about `size` bytes on the wire) once there is room: waits while this
   * stream's unread bytes or the total leave none, and throws TOO_MANY_STREAMS when the total is
   * full and this stream holds nothing. Rejects when `signal` aborts while waiting.
   */
  async write(
    call: ServerWritableStream<unknown, unknown>,
    message: unknown,
    size: number,
    signal: AbortSignal,
  ) {
    for (;;) {
      const roomHere = this.unread === 0 || this.unread + size <= this.account.perStreamBytes;
      if (roomHere && this.account.roomInTotal(size)) break;
      if (this.unread === 0) throw this.account.full();
      await this.nextProgress(signal);
    }
    this.unread += size;
    this.account.add(size);
    call.write(message, () => {
      // After close the stream's bytes were already given back; grpc-js may still call back.
      if (this.closed) return;
      this.unread -= size;
      this.account.add(-size);
      this.progress?.();
    });
  }

  /** Gives this stream's unread bytes back: a cancelled call never calls its writes back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.account.add(-this.unread);
    this.unread = 0;
  }

  private nextProgress(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.account.waiting(1);
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.progress = undefined;
        signal.removeEventListener('abort', onAbort);
        this.account.waiting(-1);
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      this.progress = () => {
        done();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
