import { describe, expect, it } from 'vitest';
import { BlockNotifier } from '../../../../node/chain/block-notifier.js';

describe('BlockNotifier', () => {
  it('resolves waiters once the tip passes their height, not before', async () => {
    const n = new BlockNotifier();
    const ac = new AbortController();
    let woke = false;
    const w = n.waitAbove(2, ac.signal).then((v) => {
      woke = true;
      return v;
    });
    n.notify(1);
    n.notify(2);
    await Promise.resolve();
    expect(woke).toBe(false);
    n.notify(3);
    expect(await w).toBe(true);
    expect(await n.waitAbove(1, ac.signal)).toBe(true);
  });

  it('releases an aborted waiter with false and forgets it', async () => {
    const n = new BlockNotifier();
    const ac = new AbortController();
    const w = n.waitAbove(5, ac.signal);
    ac.abort();
    expect(await w).toBe(false);
    expect((n as unknown as { waiters: Set<unknown> }).waiters.size).toBe(0);
  });
});
