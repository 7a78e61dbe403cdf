// Per-peer token buckets for inbound messages and requests. The clock is passed in so the
// buckets can be tested without waiting; the map holds one bucket per connected allowed peer
// and is bounded by the allowed set (buckets of disconnected peers are dropped).
import type { RateLimit } from './options.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes one token if there is one; refills first by the time elapsed since the last call. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.perSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class PeerRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    /** Hard bound on tracked peers; beyond it unknown peers are refused outright. */
    private readonly maxPeers: number,
  ) {}

  /** True when `peer` may send one more message now. */
  allow(peer: string): boolean {
    const t = this.now();
    let bucket = this.buckets.get(peer);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxPeers) return false;
      bucket = new TokenBucket(this.limit, t);
      this.buckets.set(peer, bucket);
    }
    return bucket.take(t);
  }

  forget(peer: string): void {
    this.buckets.delete(peer);
  }

  get size(): number {
    return this.buckets.size;
  }
}
