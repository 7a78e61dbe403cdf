// The network layer's inbound verdicts and per-peer penalties as metrics, read from the P2P
// service at each scrape: what the inbound gate accepted, rejected and ignored (and why it
// refused), and per connected validator its gossip score and the messages rejected from it. The
// peer label is the validator index, a closed set, so the series count stays bounded.
import { Counter, Gauge } from 'prom-client';
import type { InboundStats, StreamWriterStats } from '../p2p/index.js';
import type { NodeMetrics } from './metrics.js';

export interface P2PPenaltySource {
  stats: Readonly<InboundStats>;
  peerPenalties(): { index: number; score: number; rejected: number }[];
  consensusStreamStats: Readonly<StreamWriterStats>;
}

export function registerP2PMetrics(m: NodeMetrics, p2p: P2PPenaltySource): void {
  const registers = [m.registry];
  const byLabel = (name: string, help: string, label: string, read: () => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const [value, n] of Object.entries(read())) this.inc({ [label]: value }, n);
      },
    });
  byLabel(
    'bkdms_p2p_inbound_total',
    'Inbound gossip and direct messages, by the verdict of the inbound gate: accept, reject (a gossip score penalty), ignore',
    'verdict',
    () => ({ accept: p2p.stats.accepted, reject: p2p.stats.rejected, ignore: p2p.stats.ignored }),
  );
  byLabel(
    'bkdms_p2p_inbound_refused_total',
    'Inbound messages the gate refused before the validators saw them, by reason',
    'reason',
    () => ({
      rate_limited: p2p.stats.rateLimited,
      oversized: p2p.stats.oversized,
      malformed: p2p.stats.malformed,
      not_allowed: p2p.stats.notAllowed,
    }),
  );
  byLabel(
    'bkdms_p2p_stream_frames_total',
    'Outbound frames on the persistent consensus streams: sent, dropped (a full queue, oldest first), expired (waited past the deadline, or in flight on a failed stream)',
    'outcome',
    () => {
      const s = p2p.consensusStreamStats;
      return { sent: s.sent, dropped: s.dropped, expired: s.expired };
    },
  );
  byLabel(
    'bkdms_p2p_streams_total',
    'Persistent consensus streams opened (first and reopened) and failed (could not open, write deadline, reset, peer gone)',
    'event',
    () => ({ opened: p2p.consensusStreamStats.opened, failed: p2p.consensusStreamStats.failed }),
  );
  new Gauge({
    name: 'bkdms_peer_gossip_score',
    help: "Gossipsub's score of each connected validator (by index); below zero once its messages were rejected",
    labelNames: ['peer'] as const,
    registers,
    collect() {
      this.reset();
      for (const p of p2p.peerPenalties()) this.set({ peer: String(p.index) }, p.score);
    },
  });
  new Gauge({
    name: 'bkdms_peer_rejected_messages',
    help: 'Messages from each connected validator (by index) the inbound gate rejected since this node started, gossip and direct',
    labelNames: ['peer'] as const,
    registers,
    collect() {
      this.reset();
      for (const p of p2p.peerPenalties()) this.set({ peer: String(p.index) }, p.rejected);
    },
  });
}
