import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PeerRateLimiter, TokenBucket } from '../../../node/p2p/rate-limit.js';

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket({ perSecond: 10, burst: 3 }, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(50)).toBe(false); // half a token
    expect(b.take(100)).toBe(true); // 0.5 + 0.5
    expect(b.take(100)).toBe(false);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const b = new TokenBucket({ perSecond: 1000, burst: 2 }, 0);
    expect([b.take(1e9), b.take(1e9), b.take(1e9)]).toEqual([true, true, false]);
  });

  it('never lets more than burst + rate * time through', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { maxLength: 200 }), (gaps) => {
        const limit = { perSecond: 20, burst: 5 };
        const b = new TokenBucket(limit, 0);
        let t = 0;
        let passed = 0;
        for (const g of gaps) {
          t += g;
          if (b.take(t)) passed++;
        }
        expect(passed).toBeLessThanOrEqual(limit.burst + (limit.perSecond * t) / 1000);
      }),
    );
  });
});

describe('per-peer limiter', () => {
  it('keeps one bucket per peer and forgets a peer on request', () => {
    let now = 0;
    const l = new PeerRateLimiter({ perSecond: 1, burst: 1 }, () => now, 10);
    expect([l.allow('a'), l.allow('a'), l.allow('b')]).toEqual([true, false, true]);
    expect(l.size).toBe(2);
    l.forget('a');
    expect(l.allow('a')).toBe(true);
    now = 1000;
    expect(l.allow('b')).toBe(true);
  });

  it('refuses new peers beyond its bound instead of growing', () => {
    const l = new PeerRateLimiter({ perSecond: 1, burst: 1 }, () => 0, 2);
    expect([l.allow('a'), l.allow('b'), l.allow('c')]).toEqual([true, true, false]);
    expect(l.size).toBe(2);
  });
});
