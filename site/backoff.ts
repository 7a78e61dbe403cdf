// Exponential backoff with jitter for re-sending to the chain. Jitter spreads the retries of many
// sites that lost the chain at the same moment, so they do not all come back in the same instant.
// The random source is passed in: tests fix it, the site uses Math.random.

export interface BackoffOptions {
  /** Delay after the first failure, ms. */
  baseMs: number;
  /** Upper bound of any delay, ms. */
  maxMs: number;
  /** Fraction of the delay that is random, 0..1 (0.5: delay is uniformly in [d/2, d]). */
  jitter: number;
}

export const defaultBackoffOptions: BackoffOptions = { baseMs: 250, maxMs: 30_000, jitter: 0.5 };

/** Delay before retry number `attempt` (1 = after the first failure); `rand` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions, rand: () => number): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(exp * (1 - opts.jitter + opts.jitter * rand()));
}
