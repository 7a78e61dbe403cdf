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
  new Counter({
    name: 'bkdms_p2p_inbound_total',
    help: 'Inbound gossip and direct messages, by the verdict of the inbound gate: accept, reject (a gossip score penalty), ignore',
    labelNames: ['verdict'] as const,
    registers,
    collect() {
      this.reset();
      const s = p2p.stats;
      this.inc({ verdict: 'accept' }, s.accepted);
      this.inc({ verdict: 'reject' }, s.rejected);
      this.inc({ verdict: 'ignore' }, s.ignored);
    },
  });
  new Counter({
    name: 'bkdms_p2p_inbound_refused_total',
    help: 'Inbound messages the gate refused before the validators saw them, by reason',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      this.reset();
      const s = p2p.stats;
      this.inc({ reason: 'rate_limited' }, s.rateLimited);
      this.inc({ reason: 'oversized' }, s.oversized);
      this.inc({ reason: 'malformed' }, s.malformed);
      this.inc({ reason: 'not_allowed' }, s.notAllowed);
    },
  });
  new Counter({
    name: 'bkdms_p2p_stream_frames_total',
    help: 'Outbound frames on the persistent consensus streams: sent, dropped (a full queue, oldest first), expired (waited past the deadline, or in flight on a failed stream)',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      this.reset();
      const s = p2p.consensusStreamStats;
      this.inc({ outcome: 'sent' }, s.sent);
      this.inc({ outcome: 'dropped' }, s.dropped);
      this.inc({ outcome: 'expired' }, s.expired);
    },
  });
  new Counter({
    name: 'bkdms_p2p_streams_total',
    help: 'Persistent consensus streams opened (first and reopened) and failed (could not open, write deadline, reset, peer gone)',
    labelNames: ['event'] as const,
    registers,
    collect() {
      this.reset();
      const s = p2p.consensusStreamStats;
      this.inc({ event: 'opened' }, s.opened);
      this.inc({ event: 'failed' }, s.failed);
    },
  });
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
