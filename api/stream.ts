// SubscribeBlocks on the server: pulls one block at a time from the node, writes it, and waits for
// the HTTP/2 stream to drain before pulling the next, so a slow subscriber holds at most grpc-js's
// small write buffer. The number of open subscriptions is bounded; the next one is refused with
// TOO_MANY_STREAMS and a retry hint. A cancelled call aborts the node's iterator.
import { once } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { NodeApi } from './handlers.js';
import { toStatus } from './status.js';
import { heightField } from './validate.js';

export interface StreamSlots {
  active: number;
  max: number;
  retryAfterMs: number;
}

type Raw = Record<string, unknown>;

/** Serves one subscription to its end; resolves with 'OK' or the reason it ended with. */
export async function streamBlocks(
  api: NodeApi,
  call: ServerWritableStream<Raw, unknown>,
  slots: StreamSlots,
  fail: (err: unknown) => ApiError,
): Promise<'OK' | ApiErrorCode> {
  const ac = new AbortController();
  const onCancel = (): void => ac.abort();
  call.on('cancelled', onCancel);
  let held = false;
  try {
    if (slots.active >= slots.max)
      throw new ApiError(
        ApiErrorCode.TooManyStreams,
        `${slots.active} block subscriptions open, at most ${slots.max}`,
        {},
        slots.retryAfterMs,
      );
    slots.active++;
    held = true;
    const from = heightField(call.request, 'fromHeight');
    for await (const ev of api.subscribeBlocks(from, ac.signal)) {
      if (ac.signal.aborted) break;
      if (!call.write({ height: ev.height, certifiedBlock: ev.certifiedBlock }))
        await once(call, 'drain', { signal: ac.signal });
    }
    if (ac.signal.aborted) return ApiErrorCode.Cancelled;
    call.end();
    return 'OK';
  } catch (err) {
    if (ac.signal.aborted) return ApiErrorCode.Cancelled;
    const e = fail(err);
    call.emit('error', toStatus(e));
    return e.code;
  } finally {
    if (held) slots.active--;
    call.off('cancelled', onCancel);
    ac.abort();
  }
}
