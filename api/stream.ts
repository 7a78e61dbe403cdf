// SubscribeBlocks on the server: pulls one block at a time from the node and writes it once the
// stream's byte budget has room (stream-buffers.ts), so a subscriber that reads slowly or not at
// all holds at most maxStreamBufferBytes of unread blocks, and all of them together at most
// maxSubscriptionBufferBytes. The number of open subscriptions is bounded; the next one is refused
// with TOO_MANY_STREAMS and a retry hint. A cancelled call aborts the node's iterator; a server that
// stops ends every subscription with STOPPED, which clients treat as "resume elsewhere or later".
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { NodeApi } from './handlers.js';
import { toStatus } from './status.js';
import type { StreamBuffers } from './stream-buffers.js';
import { decodedRequest, heightField } from './validate.js';

export class StreamSlots {
  /** Stop functions of the open subscriptions. */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly max: number,
    private readonly retryAfterMs: number,
  ) {}

  get active(): number {
    return this.open.size;
  }

  /** Takes a slot for a subscription, or throws TOO_MANY_STREAMS. */
  take(stop: () => void): () => void {
    if (this.open.size >= this.max)
      throw new ApiError(
        ApiErrorCode.TooManyStreams,
        `${this.open.size} block subscriptions open, at most ${this.max}`,
        {},
        this.retryAfterMs,
      );
    this.open.add(stop);
    return () => this.open.delete(stop);
  }

  /** Ends every open subscription (server shutdown). */
  stopAll(): void {
    for (const stop of [...this.open]) stop();
  }
}

type Raw = Record<string, unknown>;

/** A CertifiedBlock message on the wire: the block, a few bytes of protobuf and the gRPC frame. */
const MESSAGE_OVERHEAD_BYTES = 32;

/** Serves one subscription to its end; resolves with 'OK' or the reason it ended with. */
export async function streamBlocks(
  api: NodeApi,
  call: ServerWritableStream<Raw, unknown>,
  slots: StreamSlots,
  buffers: StreamBuffers,
  fail: (err: unknown) => ApiError,
): Promise<'OK' | ApiErrorCode> {
  const ac = new AbortController();
  let stopping = false;
  const onCancel = (): void => ac.abort();
  call.on('cancelled', onCancel);
  let release: (() => void) | undefined;
  const buffer = buffers.open();
  try {
    release = slots.take(() => {
      stopping = true;
      ac.abort();
    });
    const from = heightField(decodedRequest(call.request), 'fromHeight');
    for await (const ev of api.subscribeBlocks(from, ac.signal)) {
      if (ac.signal.aborted) break;
      const message = { height: ev.height, certifiedBlock: ev.certifiedBlock };
      await buffer.write(call, message, ev.certifiedBlock.length + MESSAGE_OVERHEAD_BYTES, ac.signal);
    }
    if (!ac.signal.aborted) {
      call.end();
      return 'OK';
    }
  } catch (err) {
    if (!ac.signal.aborted) {
      const e = fail(err);
      call.emit('error', toStatus(e));
      return e.code;
    }
  } finally {
    buffer.close();
    release?.();
    call.off('cancelled', onCancel);
    ac.abort();
  }
  if (!stopping) return ApiErrorCode.Cancelled;
  call.emit('error', toStatus(new ApiError(ApiErrorCode.Stopped, 'node shutting down')));
  return ApiErrorCode.Stopped;
}
