// SubscribeBlocks on the client: an async iterator over certified blocks that survives a
// disconnect. It remembers the last height it yielded and, when the stream breaks for a retriable
// reason (or the server ends it), resubscribes from the next height after a backoff, so the caller
// sees every height once, in order. Breaking out of the loop cancels the call.
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { RetryDeps, RetryPolicy } from './retry.js';
import { backoffMs, isRetriable } from './retry.js';
import { fromServiceError } from './status.js';
import type { BlockEvent } from './types.js';

export type OpenStream = (fromHeight: number) => ClientReadableStream<BlockEvent>;

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number')
    return fromServiceError(err as ServiceError);
  return new ApiError(ApiErrorCode.Transport, err instanceof Error ? err.message : String(err));
}

export async function* resumableBlocks(
  open: OpenStream,
  fromHeight: number,
  policy: RetryPolicy,
  deps: RetryDeps,
  signal?: AbortSignal,
): AsyncGenerator<BlockEvent> {
  let next = fromHeight;
  // Consecutive attempts that delivered nothing; reset by every block received.
  let barren = 0;
  while (!signal?.aborted) {
    const call = open(next);
    const onAbort = (): void => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let failure: ApiError = new ApiError(ApiErrorCode.Transport, 'server ended the stream');
    try {
      for await (const ev of call as AsyncIterable<BlockEvent>) {
        if (ev.height !== next)
          throw new ApiError(ApiErrorCode.Transport, `expected height ${next}, got ${ev.height}`);
        barren = 0;
        next = ev.height + 1;
        yield ev;
      }
    } catch (err) {
      failure = asApiError(err);
      if (signal?.aborted) return;
      if (!isRetriable(failure)) throw failure;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
    if (++barren >= policy.maxAttempts) throw failure;
    try {
      await deps.sleep(backoffMs(barren - 1, policy, deps.random, failure.retryAfterMs), signal);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
  }
}
