// Tuning of the network layer, with the defaults a 4-validator cluster on one machine runs with.
// Every cap and rate here is enforced on input from peers before it is buffered or handed on.

/** One token bucket: `burst` tokens, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface BatcherOptions {
  /** Publish when this many envelopes are pending. */
  maxItems: number;
  /** Publish before a batch would exceed this many bytes (frame overhead included). */
  maxBytes: number;
  /** Publish at most this long after the first envelope of a batch arrived (ms). */
  maxDelayMs: number;
  /** Envelopes that may wait (pending + being published) before `add` refuses: the bound. */
  maxQueued: number;
}

export interface P2POptions {
  /** Chain identifier; prefixes every topic and protocol so two chains never mix. */
  chainId: string;
  /** Multiaddrs to listen on; port 0 picks a free port. */
  listen: string[];
  /** Multiaddrs told to peers instead of the listen addresses; empty: the listen addresses. */
  announce: string[];
  /** Multiaddrs (ending in /p2p/<peer id>) dialed at start and re-dialed with backoff. */
  bootstrap: string[];
  /** Ed25519 public keys allowed to connect besides the validators (not counted as validators). */
  observers: Uint8Array[];
  /** Largest envelope batch on the envelopes topic (bytes). */
  maxBatchBytes: number;
  /** Largest consensus message, gossip or direct (bytes); a PRE-PREPARE carries its block. */
  maxConsensusBytes: number;
  /** Largest state-transfer request (bytes). */
  maxRequestBytes: number;
  /** Largest state-transfer response (bytes). */
  maxResponseBytes: number;
  /** Deadline of one request/response exchange (ms). */
  requestTimeoutMs: number;
  /** Deadline of a dial, until the peer has identified over the new connection (ms). */
  dialTimeoutMs: number;
  /** Interval of the liveness ping of every connected peer (ms). */
  pingIntervalMs: number;
  /** Liveness pings missed in a row after which a peer is disconnected (and re-dialed). */
  pingMissesToClose: number;
  /** Inbound gossip messages and direct messages per peer. */
  messageRate: RateLimit;
  /** Inbound requests per peer. */
  requestRate: RateLimit;
  /** Requests being served at once, all peers together; more are answered BUSY. */
  maxInflightRequests: number;
  /** Gossip bytes queued towards one peer before publishing to it fails (slow-peer bound). */
  maxOutboundBufferBytes: number;
  /** Request/response streams one peer may hold open at once, each way. */
  maxStreamsPerPeer: number;
  /** Direct-message streams one peer may hold open at once, each way (each up to maxConsensusBytes). */
  maxDirectStreamsPerPeer: number;
  /** Frames queued towards one peer on a persistent stream before the oldest is dropped. */
  maxStreamQueueFrames: number;
  /** Bytes queued towards one peer on a persistent stream before the oldest frames are dropped. */
  maxStreamQueueBytes: number;
  /** Bootstrap re-dial backoff: first delay and ceiling (ms). */
  redialMinMs: number;
  redialMaxMs: number;
  /** Sweep interval of the gossip watchdog (ms); 0 turns it off. */
  gossipWatchdogMs: number;
  batcher: BatcherOptions;
}

export function defaultP2POptions(chainId: string): P2POptions {
  return {
    chainId,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    announce: [],
    bootstrap: [],
    observers: [],
    maxBatchBytes: 1024 * 1024,
    maxConsensusBytes: 16 * 1024 * 1024,
    maxRequestBytes: 64 * 1024,
    maxResponseBytes: 32 * 1024 * 1024,
    requestTimeoutMs: 10_000,
    dialTimeoutMs: 10_000,
    pingIntervalMs: 10_000,
    pingMissesToClose: 3,
    messageRate: { perSecond: 2_000, burst: 4_000 },
    requestRate: { perSecond: 50, burst: 100 },
    maxInflightRequests: 32,
    maxOutboundBufferBytes: 64 * 1024 * 1024,
    maxStreamsPerPeer: 16,
    maxDirectStreamsPerPeer: 4,
    maxStreamQueueFrames: 1024,
    maxStreamQueueBytes: 32 * 1024 * 1024,
    redialMinMs: 200,
    redialMaxMs: 10_000,
    gossipWatchdogMs: 2_000,
    batcher: { maxItems: 512, maxBytes: 256 * 1024, maxDelayMs: 5, maxQueued: 16_384 },
  };
}

import type { MessageKind } from './inbound.js';

/** Topic and protocol names of one chain. */
export interface P2PNames {
  envelopesTopic: string;
  consensusTopic: string;
  requestProtocol: string;
  directProtocol: string;
  directEnvelopesProtocol: string;
  /** Persistent per-peer stream of consensus messages (peer-streams.ts). */
  consensusStreamProtocol: string;
  /** Round-trip measurement (pinger.ts). */
  pingProtocol: string;
}

export function namesOf(chainId: string): P2PNames {
  // The chain ID may be a URL; keep protocol IDs free of extra slashes.
  const c = encodeURIComponent(chainId);
  return {
    envelopesTopic: `/bkdms/${c}/envelopes/1`,
    consensusTopic: `/bkdms/${c}/consensus/1`,
    requestProtocol: `/bkdms/${c}/request/1.0.0`,
    directProtocol: `/bkdms/${c}/direct/1.0.0`,
    directEnvelopesProtocol: `/bkdms/${c}/direct-envelopes/1.0.0`,
    consensusStreamProtocol: `/bkdms/${c}/consensus-stream/1.0.0`,
    pingProtocol: `/bkdms/${c}/ping/1.0.0`,
  };
}

export function topicOf(names: P2PNames, kind: MessageKind): string {
  return kind === 'envelopes' ? names.envelopesTopic : names.consensusTopic;
}
