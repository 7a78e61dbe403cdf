// Builds everything that handles input from peers, sized from the options: the per-peer rate
// limiters, the inbound gate (gossip and direct messages) and the two stream protocol handlers.
import type { AllowList } from './allow-list.js';
import { DirectMessages } from './direct.js';
import { InboundGate, type InboundMessage } from './inbound.js';
import type { P2PNames, P2POptions } from './options.js';
import { PeerStreams } from './peer-streams.js';
import { PeerRateLimiter } from './rate-limit.js';
import { RequestResponse } from './request-response.js';

export interface InboundParts {
  /** [messages, requests]; a peer's buckets are dropped when it disconnects. */
  limiters: [PeerRateLimiter, PeerRateLimiter];
  gate: InboundGate;
  requests: RequestResponse;
  direct: DirectMessages;
  /** Envelope batches relayed to one peer (see P2P.relayEnvelopes). */
  directEnvelopes: DirectMessages;
  /** Consensus messages on one persistent stream per peer (see P2P.sendConsensus). */
  consensusStreams: PeerStreams;
}

export function buildInbound(
  o: P2POptions,
  names: P2PNames,
  allow: AllowList,
  now: () => number,
  deliver: (msg: InboundMessage) => void,
): InboundParts {
  // Generous peer bound: the validator set can grow by governance while the node runs.
  const maxPeers = Math.max(64, allow.size * 4);
  const limiters: [PeerRateLimiter, PeerRateLimiter] = [
    new PeerRateLimiter(o.messageRate, now, maxPeers),
    new PeerRateLimiter(o.requestRate, now, maxPeers),
  ];
  const caps = {
    maxBatchBytes: o.maxBatchBytes,
    maxConsensusBytes: o.maxConsensusBytes,
    // Every envelope costs at least its 4-byte length, which bounds the count of a capped batch.
    maxBatchItems: Math.floor(o.maxBatchBytes / 4),
  };
  const gate = new InboundGate(allow, limiters[0], caps, deliver);
  const requests = new RequestResponse(names.requestProtocol, allow, limiters[1], {
    maxRequestBytes: o.maxRequestBytes,
    maxResponseBytes: o.maxResponseBytes,
    timeoutMs: o.requestTimeoutMs,
    maxInflight: o.maxInflightRequests,
  });
  const direct = new DirectMessages(
    names.directProtocol,
    'consensus',
    gate,
    o.maxConsensusBytes,
    o.requestTimeoutMs,
  );
  const directEnvelopes = new DirectMessages(
    names.directEnvelopesProtocol,
    'envelopes',
    gate,
    o.maxBatchBytes,
    o.requestTimeoutMs,
  );
  const consensusStreams = new PeerStreams(names.consensusStreamProtocol, 'consensus', gate, {
    maxFrameBytes: o.maxConsensusBytes,
    maxFrames: o.maxStreamQueueFrames,
    maxBytes: o.maxStreamQueueBytes,
    timeoutMs: o.requestTimeoutMs,
    backoffMinMs: o.redialMinMs,
    backoffMaxMs: o.redialMaxMs,
  });
  return { limiters, gate, requests, direct, directEnvelopes, consensusStreams };
}
