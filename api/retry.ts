// Client retries: exponential backoff with full jitter for transient reasons, and the server's
// retry-after hint honoured when it sends one. Time and randomness are passed in so the policy is
// testable without waiting.
import { ApiError, ApiErrorCode } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 disables retries. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  multiplier: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 100,
  maxBackoffMs: 5000,
  multiplier: 2,
};

export interface RetryDeps {
  /** Uniform in [0, 1). */
  random: () => number;
  /** Resolves after ms, or rejects when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Reasons worth another attempt: the node is busy (RESOURCE_EXHAUSTED) or unreachable or not ready
 * (UNAVAILABLE). Every RPC is safe to repeat: reads have no effect and uploads are idempotent.
 */
const retriable = new Set<ApiErrorCode>([
  ApiErrorCode.MempoolFull,
  ApiErrorCode.RateLimited,
  ApiErrorCode.TooManyStreams,
  ApiErrorCode.NotReady,
  ApiErrorCode.Stopped,
  ApiErrorCode.Transport,
]);

export function isRetriable(err: ApiError): boolean {
  return retriable.has(err.code);
}

/**
 * Wait before retry number `retry` (0 for the first retry). Without a hint: full jitter over the
 * exponential ceiling, so clients that failed together do not return together. With a hint: at
 * least the hint, plus up to 20 % jitter.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number, hintMs?: number): number {
  if (hintMs !== undefined) return Math.round(hintMs * (1 + 0.2 * random()));
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** retry);
  return Math.round(ceiling * random());
}

/** Runs `attempt` until it succeeds, fails for a reason not worth retrying, or attempts run out. */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ApiError) || !isRetriable(err) || n + 1 >= policy.maxAttempts) throw err;
      await deps.sleep(backoffMs(n, policy, deps.random, err.retryAfterMs), signal);
    }
  }
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (true when the time elapsed). The listener
 * goes with the timer: loops that pause again and again on one signal leave none behind.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Real-time sleep for the client (api/ is not a pure module); rejects CANCELLED on abort. */
export async function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!(await pause(ms, signal))) throw new ApiError(ApiErrorCode.Cancelled, 'aborted');
}
