// Metrics fed by other services: read when scraped (view changes, mempool) or observed from the
// mempool's arrival times when a block commits (commit latency).
import { describe, expect, it } from 'vitest';
import { Mempool } from '../../../node/chain/mempool.js';
import { createNodeMetrics, observeCommitLatency } from '../../../node/mgmt/metrics.js';

const entry = (id: string, seq: number) => ({
  id,
  bytes: new Uint8Array(100),
  code: new Uint8Array(32),
  signer: 'aa',
  seq,
});

describe('metric sources', () => {
  it('reads view changes and the mempool at each scrape; the counter never goes down', async () => {
    let viewChanges = 0;
    let now = 1_000;
    const mempool = new Mempool({ maxEnvelopes: 10, maxBytes: 10_000 }, () => now);
    const m = createNodeMetrics({
      processMetrics: false,
      sources: {
        viewChanges: () => viewChanges,
        mempool: () => ({ envelopes: mempool.size, bytes: mempool.byteSize }),
      },
    });
    const scrape = async () => m.registry.metrics();
    expect(await scrape()).toContain('bkdms_view_changes_total 0');
    viewChanges = 2;
    mempool.add(entry('01', 1));
    mempool.add(entry('02', 2));
    let text = await scrape();
    expect(text).toContain('bkdms_view_changes_total 2');
    expect(text).toContain('bkdms_mempool_envelopes 2');
    expect(text).toContain('bkdms_mempool_bytes 200');
    viewChanges = 3;
    now = 1_400;
    const arrivals: number[] = [];
    expect(mempool.remove(['01', 'ff'], arrivals)).toBe(1);
    expect(arrivals).toEqual([1_000]);
    observeCommitLatency(m, arrivals, now);
    text = await scrape();
    expect(text).toContain('bkdms_view_changes_total 3');
    expect(text).toContain('bkdms_mempool_envelopes 1');
    expect(text).toContain('bkdms_commit_latency_seconds_bucket{le="0.25"} 0');
    expect(text).toContain('bkdms_commit_latency_seconds_bucket{le="0.5"} 1');
    expect(text).toContain('bkdms_commit_latency_seconds_sum 0.4');
  });
});
