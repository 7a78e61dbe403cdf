// Public surface of the network layer; the node wiring imports from here only.

export type { PeerRef } from './allow-list.js';
export { decodeBatch, encodeBatch } from './batch-codec.js';
export { EnvelopeBatcher } from './batcher.js';
export {
  type BoundedConsensusTransport,
  type ConsensusSender,
  type ConsensusTransport,
  consensusTransport,
  type SendFailure,
} from './consensus-transport.js';
export { P2PError, P2PErrorCode } from './errors.js';
export type { P2PEventMap, PeerEvent, SubscribersEvent } from './events.js';
export { type NodeIdentity, peerIdOfPublicKey } from './identity.js';
export type { InboundMessage, InboundStats, MessageKind, MessageValidator, Verdict } from './inbound.js';
export type { LinkState, PeerLinkStats } from './links.js';
export {
  type BatcherOptions,
  defaultP2POptions,
  namesOf,
  type P2PNames,
  type P2POptions,
  type RateLimit,
} from './options.js';
export { type OutboundStats, P2P, type P2PInit } from './p2p.js';
export type { RequestHandler } from './request-response.js';
export type { StreamWriterStats } from './stream-writer.js';
export type { TestkitNetwork } from './testkit-network.js';
