// The network layer's counters (node/mgmt/p2p-metrics.ts) read the P2P service at each scrape:
// every figure appears under its own label value, and a later scrape shows the new figures.
import { describe, expect, it } from 'vitest';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';
import { registerP2PMetrics } from '../../../node/mgmt/p2p-metrics.js';

describe('p2p metrics', () => {
  it('reports each inbound, refusal and stream figure under its label', async () => {
    const m = createNodeMetrics();
    const stats = {
      accepted: 1,
      rejected: 2,
      ignored: 3,
      rateLimited: 4,
      oversized: 5,
      malformed: 6,
      notAllowed: 7,
    };
    const streams = { sent: 8, dropped: 9, expired: 10, opened: 11, failed: 12 };
    registerP2PMetrics(m, {
      stats,
      peerPenalties: () => [{ index: 2, score: -3.5, rejected: 4 }],
      consensusStreamStats: streams,
    });
    const text = await m.registry.metrics();
    for (const line of [
      'bkdms_p2p_inbound_total{verdict="accept"} 1',
      'bkdms_p2p_inbound_total{verdict="reject"} 2',
      'bkdms_p2p_inbound_total{verdict="ignore"} 3',
      'bkdms_p2p_inbound_refused_total{reason="rate_limited"} 4',
      'bkdms_p2p_inbound_refused_total{reason="oversized"} 5',
      'bkdms_p2p_inbound_refused_total{reason="malformed"} 6',
      'bkdms_p2p_inbound_refused_total{reason="not_allowed"} 7',
      'bkdms_p2p_stream_frames_total{outcome="sent"} 8',
      'bkdms_p2p_stream_frames_total{outcome="dropped"} 9',
      'bkdms_p2p_stream_frames_total{outcome="expired"} 10',
      'bkdms_p2p_streams_total{event="opened"} 11',
      'bkdms_p2p_streams_total{event="failed"} 12',
    ])
      expect(text).toContain(line);
    stats.accepted = 40;
    streams.failed = 13;
    const later = await m.registry.metrics();
    expect(later).toContain('bkdms_p2p_inbound_total{verdict="accept"} 40');
    expect(later).toContain('bkdms_p2p_streams_total{event="failed"} 13');
  });
});
