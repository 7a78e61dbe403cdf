import { describe, expect, it } from 'vitest';
import { Mempool, type MempoolEntry } from '../../../../node/chain/mempool.js';

const entry = (id: string, signer: string, seq: number, size = 10): MempoolEntry => ({
  id,
  signer,
  seq,
  bytes: new Uint8Array(size),
  code: new Uint8Array(32),
});

describe('Mempool', () => {
  it('admits, deduplicates and detects a second envelope on a pending (signer, seq)', () => {
    const m = new Mempool({ maxEnvelopes: 10, maxBytes: 1000 });
    expect(m.add(entry('a', 's1', 1))).toBe('added');
    expect(m.add(entry('a', 's1', 1))).toBe('duplicate');
    expect(m.add(entry('b', 's1', 1))).toBe('replayed');
    expect(m.add(entry('c', 's2', 1))).toBe('added');
    expect(m.size).toBe(2);
    expect(m.pendingSeq('s1', 1)).toBe('a');
  });

  it('is bounded by count and by bytes', () => {
    const byCount = new Mempool({ maxEnvelopes: 2, maxBytes: 1000 });
    byCount.add(entry('a', 's', 1));
    byCount.add(entry('b', 's', 2));
    expect(byCount.add(entry('c', 's', 3))).toBe('full');
    const byBytes = new Mempool({ maxEnvelopes: 100, maxBytes: 25 });
    expect(byBytes.add(entry('a', 's', 1, 20))).toBe('added');
    expect(byBytes.add(entry('b', 's', 2, 6))).toBe('full');
    expect(byBytes.fill()).toBeCloseTo(0.8);
  });

  it('frees the slot, the bytes and the sequence number on removal', () => {
    const m = new Mempool({ maxEnvelopes: 1, maxBytes: 100 });
    m.add(entry('a', 's', 1, 40));
    expect(m.remove(['a', 'unknown'])).toBe(1);
    expect(m.byteSize).toBe(0);
    expect(m.pendingSeq('s', 1)).toBeUndefined();
    expect(m.add(entry('b', 's', 2))).toBe('added');
    expect([...m.values()].map((e) => e.id)).toEqual(['b']);
  });
});
