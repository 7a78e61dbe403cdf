// Builds the libp2p host of one node: TCP, noise, yamux, identify and gossipsub, the validator key
// as identity, the allow-list gater, and the two stream protocols with per-peer stream limits.
// Nothing is started here; the P2P service attaches its listeners and starts it.
import type { GossipSub } from '@chainsafe/libp2p-gossipsub';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { type Identify, identify } from '@libp2p/identify';
import type { Libp2p, Metrics, StreamHandler } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import type { AllowList } from './allow-list.js';
import { allowListGater } from './gater.js';
import { gossipService } from './gossip.js';
import { libp2pKeyOf, type NodeIdentity } from './identity.js';
import type { P2PNames, P2POptions } from './options.js';

export type Host = Libp2p<{ identify: Identify; pubsub: GossipSub }>;

export interface HostParts {
  identity: NodeIdentity;
  options: P2POptions;
  names: P2PNames;
  allow: AllowList;
  serveRequest: StreamHandler;
  serveDirect: StreamHandler;
  serveDirectEnvelopes: StreamHandler;
  serveConsensusStream: StreamHandler;
  servePing: StreamHandler;
  /** Counts bytes per connection (traffic.ts). */
  metrics: Metrics;
  onDeny: (peerId: string) => void;
}

export async function createHost(p: HostParts): Promise<Host> {
  const o = p.options;
  const host: Host = await createLibp2p({
    start: false,
    privateKey: await libp2pKeyOf(p.identity),
    addresses: { listen: o.listen, ...(o.announce.length > 0 ? { announce: o.announce } : {}) },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: allowListGater(p.allow, p.onDeny),
    metrics: () => p.metrics,
    // Off: it would close a connection on ONE failed ping, and its round-trip times go unread. The
    // node's own pinger (pinger.ts) measures them and decides liveness (several misses in a row).
    connectionMonitor: { enabled: false },
    services: {
      identify: identify(),
      pubsub: gossipService(
        p.names,
        Math.max(o.maxBatchBytes, o.maxConsensusBytes),
        o.maxOutboundBufferBytes,
      ),
    },
  });
  const streams = { maxInboundStreams: o.maxStreamsPerPeer, maxOutboundStreams: o.maxStreamsPerPeer };
  await host.handle(p.names.requestProtocol, p.serveRequest, streams);
  // A direct message may be as large as a block; few at once per peer bound what is buffered.
  const direct = {
    maxInboundStreams: o.maxDirectStreamsPerPeer,
    maxOutboundStreams: o.maxDirectStreamsPerPeer,
  };
  await host.handle(p.names.directProtocol, p.serveDirect, direct);
  await host.handle(p.names.directEnvelopesProtocol, p.serveDirectEnvelopes, direct);
  // One persistent stream per peer; the spare slots take a reopened stream while the receiver has
  // not yet seen the old one end.
  await host.handle(p.names.consensusStreamProtocol, p.serveConsensusStream, direct);
  await host.handle(p.names.pingProtocol, p.servePing, { maxInboundStreams: 2, maxOutboundStreams: 2 });
  return host;
}
