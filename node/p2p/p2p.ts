// The node's network layer as one service with explicit start/stop: a libp2p host (TCP, noise,
// yamux, identify, gossipsub) whose identity is the validator key, a gater that admits only the
// allowed set, two gossip topics behind one inbound gate, a direct-message protocol, a
// request/response protocol, an envelope batcher, and bootstrap re-dialing.
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { AllowList, type PeerRef } from './allow-list.js';
import { splitBatches } from './batch-codec.js';
import { EnvelopeBatcher } from './batcher.js';
import { dialConfirmed } from './confirm-dial.js';
import type { DirectMessages } from './direct.js';
import { P2PError, P2PErrorCode } from './errors.js';
import { type P2PEventMap, P2PEvents } from './events.js';
import { wireTopics } from './gossip.js';
import { GossipWatchdog } from './gossip-watchdog.js';
import { createHost, type Host } from './host.js';
import { type NodeIdentity, peerIdOfPublicKey } from './identity.js';
import type { InboundGate, InboundStats, MessageKind, MessageValidator } from './inbound.js';
import { buildInbound } from './inbound-parts.js';
import { type PeerLinkStats, peerLinks, Refusals } from './links.js';
import { namesOf, type P2PNames, type P2POptions, topicOf } from './options.js';
import type { PeerStreams } from './peer-streams.js';
import { Pinger } from './pinger.js';
import type { PeerRateLimiter } from './rate-limit.js';
import { parseTarget, Redialer } from './redialer.js';
import type { RequestHandler, RequestResponse } from './request-response.js';
import type { StreamWriterStats } from './stream-writer.js';
import { type TestkitNetwork, testkitNetwork } from './testkit-network.js';
import { TrafficMeter } from './traffic.js';

export interface OutboundStats {
  batches: number;
  envelopes: number;
  failedEnvelopes: number;
}

export interface P2PInit {
  identity: NodeIdentity;
  /** Public keys of the current validator set, in set order. */
  validators: readonly Uint8Array[];
  options: P2POptions;
  /** Clock for the rate limiters (ms); injectable for tests. */
  now?: () => number;
  onListenerError?: (err: unknown) => void;
}

export class P2P {
  /** Service name for the node's lifecycle. */
  readonly name = 'p2p';
  readonly names: P2PNames;
  private readonly ownPeerId: string;
  private readonly opts: P2POptions;
  private readonly identity: NodeIdentity;
  private readonly allow: AllowList;
  private readonly events: P2PEvents;
  private readonly gate: InboundGate;
  private readonly requests: RequestResponse;
  private readonly direct: DirectMessages;
  private readonly directEnvelopes: DirectMessages;
  private readonly consensusStreams: PeerStreams;
  private readonly batcher: EnvelopeBatcher;
  private readonly redialer: Redialer;
  private readonly watchdog: GossipWatchdog;
  /** Inbound message and request buckets; a peer's are dropped when it disconnects. */
  private readonly limiters: [PeerRateLimiter, PeerRateLimiter];
  private host: Host | undefined;
  private stopped = false;
  private readonly outbound: OutboundStats = { batches: 0, envelopes: 0, failedEnvelopes: 0 };
  /** Management-plane bookkeeping: bytes per connection, round-trip times, gater refusals. */
  private readonly traffic = new TrafficMeter();
  private readonly pinger: Pinger;
  private readonly refusals = new Refusals();
  /** Connected peers whose identify exchange completed: their connection was accepted. */
  private readonly identified = new Set<string>();

  constructor(init: P2PInit) {
    const o = init.options;
    const now = init.now ?? Date.now;
    this.opts = o;
    this.identity = init.identity;
    this.ownPeerId = peerIdOfPublicKey(init.identity.publicKey);
    this.names = namesOf(o.chainId);
    this.pinger = new Pinger(
      this.names.pingProtocol,
      o.pingIntervalMs,
      Math.max(o.dialTimeoutMs, 5000),
      o.pingMissesToClose,
      (peer) => {
        // The peer:disconnect that follows re-dials it (the redialer), as after any lost link.
        void this.host?.hangUp(peer).catch(() => {});
      },
    );
    this.allow = new AllowList(init.validators, o.observers);
    this.events = new P2PEvents(init.onListenerError);
    const inbound = buildInbound(o, this.names, this.allow, now, (msg) => this.events.emit('message', msg));
    this.limiters = inbound.limiters;
    this.gate = inbound.gate;
    this.requests = inbound.requests;
    this.direct = inbound.direct;
    this.directEnvelopes = inbound.directEnvelopes;
    this.consensusStreams = inbound.consensusStreams;
    this.batcher = new EnvelopeBatcher(
      o.batcher,
      async (batch, count) => {
        await this.publish(this.names.envelopesTopic, batch);
        this.outbound.batches++;
        this.outbound.envelopes += count;
      },
      (_err, count) => {
        this.outbound.failedEnvelopes += count;
      },
    );
    this.redialer = new Redialer(
      o.bootstrap.map((a) => parseTarget(a)),
      {
        dial: (t) => this.connect(t.addr),
        isConnected: (id) =>
          this.host !== undefined && this.host.getConnections(peerIdFromString(id)).length > 0,
        isAllowed: (id) => this.allow.isAllowed(id),
      },
      o.redialMinMs,
      o.redialMaxMs,
    );
    this.watchdog = new GossipWatchdog(
      {
        connected: () => this.connectedPeers(),
        gossiping: () => new Set(this.host?.services.pubsub.getPeers().map((p) => p.toString()) ?? []),
        hangUp: (id) => void this.host?.hangUp(peerIdFromString(id)).catch(() => {}),
      },
      o.gossipWatchdogMs,
    );
  }

  /** Starts listening, dialing and gossiping. A stopped service is not restarted: build anew. */
  async start(): Promise<void> {
    if (this.host !== undefined) return;
    if (this.stopped) throw new P2PError(P2PErrorCode.Stopped, 'p2p service was stopped; create a new one');
    const host = await createHost({
      identity: this.identity,
      options: this.opts,
      names: this.names,
      allow: this.allow,
      serveRequest: this.requests.serve,
      serveDirect: this.direct.serve,
      serveDirectEnvelopes: this.directEnvelopes.serve,
      serveConsensusStream: this.consensusStreams.serve,
      servePing: this.pinger.serve,
      metrics: this.traffic.metrics(),
      onDeny: (id) => this.refusals.note(id),
    });
    this.listen(host);
    try {
      await host.start();
      wireTopics(host.services.pubsub, this.names, this.gate);
    } catch (err) {
      try {
        await host.stop();
      } catch {
        // The start error is the one worth reporting.
      }
      throw err;
    }
    host.services.pubsub.addEventListener('subscription-change', () => this.emitSubscribers(host));
    this.host = host;
    this.redialer.start();
    this.watchdog.start();
    this.pinger.start(host);
  }

  /** Peer lifecycle: events for the application, bookkeeping, and re-dial of lost peers. */
  private listen(host: Host): void {
    host.addEventListener('peer:connect', (ev) => this.peerEvent('peer:connect', ev.detail));
    host.addEventListener('peer:identify', (ev) => this.identified.add(ev.detail.peerId.toString()));
    host.addEventListener('peer:disconnect', (ev) => {
      const id = ev.detail.toString();
      this.identified.delete(id);
      for (const l of this.limiters) l.forget(id);
      this.pinger.forget(id);
      this.consensusStreams.forget(id);
      this.peerEvent('peer:disconnect', ev.detail);
      // Gossipsub drops a gone peer's subscriptions without an event of its own.
      this.emitSubscribers(host);
      this.redialer.nudge(id);
    });
  }

  private emitSubscribers(host: Host): void {
    for (const kind of ['envelopes', 'consensus'] as const) {
      const count = host.services.pubsub.getSubscribers(topicOf(this.names, kind)).length;
      this.events.emit('subscribers', { kind, count });
    }
  }

  async stop(): Promise<void> {
    const host = this.host;
    if (host === undefined) return;
    this.stopped = true;
    this.redialer.stop();
    this.watchdog.stop();
    this.pinger.stop();
    this.consensusStreams.stop();
    await this.batcher.stop();
    this.host = undefined;
    await host.stop();
  }

  /** This node's peer ID (derived from its key; known before start and after stop). */
  get peerId(): string {
    return this.ownPeerId;
  }

  /** Listen addresses with the /p2p/<peer id> suffix, ready for another node's bootstrap list. */
  get addresses(): string[] {
    return this.running()
      .getMultiaddrs()
      .map((a) => a.toString());
  }

  /** What the inbound gate decided, by reason (metrics). */
  get stats(): Readonly<InboundStats> {
    return this.gate.stats;
  }

  /** Envelope batches published, and envelopes whose batch failed to publish (metrics). */
  get outboundStats(): Readonly<OutboundStats> {
    return this.outbound;
  }

  /** The persistent consensus streams: frames sent, dropped (queue full), expired, streams (re)opened. */
  get consensusStreamStats(): Readonly<StreamWriterStats> {
    return this.consensusStreams.stats;
  }

  /** Frames and bytes queued on the consensus streams, all peers together. */
  consensusStreamPending(): { frames: number; bytes: number } {
    return this.consensusStreams.pending();
  }

  on<K extends keyof P2PEventMap>(name: K, fn: (ev: P2PEventMap[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  off<K extends keyof P2PEventMap>(name: K, fn: (ev: P2PEventMap[K]) => void): void {
    this.events.off(name, fn);
  }

  setValidator(kind: MessageKind, fn: MessageValidator): void {
    this.gate.setValidator(kind, fn);
  }

  /** Serves the requests that start with one of `firstBytes` (see RequestResponse.setHandler). */
  onRequest(firstBytes: readonly number[], handler: RequestHandler): void {
    this.requests.setHandler(firstBytes, handler);
  }

  /** Replaces the validator set (observers stay); peers no longer allowed are disconnected. */
  async setAllowedPeers(validators: readonly Uint8Array[]): Promise<void> {
    this.allow.setValidators(validators);
    const host = this.host;
    if (host !== undefined) {
      const gone = host.getPeers().filter((p) => !this.allow.isAllowed(p.toString()));
      await Promise.all(gone.map((p) => host.hangUp(p)));
    }
    this.redialer.nudgeAll();
  }

  /**
   * Dials `addr` (ending in /p2p/<peer id>) now. Throws NOT_ALLOWED for a peer outside the set
   * and UNREACHABLE when the dial fails (including a refusal by the remote's gater).
   */
  async connect(addr: string): Promise<void> {
    const target = parseTarget(addr);
    if (!this.allow.isAllowed(target.peerId))
      throw new P2PError(P2PErrorCode.NotAllowed, 'peer not in the allowed set', { peer: target.peerId });
    const host = this.running();
    try {
      await dialConfirmed(host, multiaddr(addr), target.peerId, this.opts.dialTimeoutMs, (id) =>
        this.identified.has(id),
      );
    } catch (err) {
      throw new P2PError(P2PErrorCode.Unreachable, `cannot connect: ${(err as Error).message}`, { addr });
    }
  }

  /**
   * Every link to a peer (direction, age, bytes, round-trip time) and every configured peer
   * without one (dialing, down, refused): the management plane's peer table.
   */
  links(): PeerLinkStats[] {
    return peerLinks({
      host: this.host,
      allow: this.allow,
      traffic: this.traffic,
      pinger: this.pinger,
      redialer: this.redialer,
      refusals: this.refusals,
    });
  }

  /** Validators (not observers) with an open connection. */
  connectedValidators(): number {
    return this.validatorPeers().length;
  }

  /** Connected peers that are validators (not observers). */
  private validatorPeers(): PeerId[] {
    if (this.host === undefined) return [];
    return this.host.getPeers().filter((p) => this.allow.indexOf(p.toString()) !== undefined);
  }

  /** Connected peers in the allow list: validators and configured observers. */
  private allowedPeers(): PeerId[] {
    if (this.host === undefined) return [];
    return this.host.getPeers().filter((p) => this.allow.isAllowed(p.toString()));
  }

  connectedPeers(): string[] {
    return this.host === undefined ? [] : this.host.getPeers().map((p) => p.toString());
  }

  /** Gossipsub's score of a peer (cached by gossipsub for up to a heartbeat). */
  peerScore(peerId: string): number {
    return this.running().services.pubsub.getScore(peerId);
  }

  /** Rejected messages gossipsub holds against a peer (decaying); what drives its score down. */
  invalidDeliveries(peerId: string): number {
    const stats = this.running().services.pubsub.dumpPeerScoreStats()[peerId];
    if (stats === undefined) return 0;
    return Object.values(stats.topics).reduce((n, t) => n + t.invalidMessageDeliveries, 0);
  }

  /**
   * What each connected validator's traffic cost it here: its gossip score (negative once its
   * messages were rejected; gossipsub ignores a peer below its graylist threshold) and the
   * messages the inbound gate rejected from it, gossip and direct together (metrics).
   */
  peerPenalties(): { index: number; score: number; rejected: number }[] {
    if (this.host === undefined) return [];
    return this.validatorPeers().map((p) => {
      const id = p.toString();
      return {
        index: this.allow.indexOf(id)!,
        score: this.peerScore(id),
        rejected: this.gate.rejectedFrom(id),
      };
    });
  }

  /** Peers subscribed to a topic as this node sees them (mesh formation, health). */
  subscribers(kind: MessageKind): string[] {
    return this.running()
      .services.pubsub.getSubscribers(topicOf(this.names, kind))
      .map((p) => p.toString());
  }

  /** TEST ONLY: raw sends on every channel for the test kit's `flood` mode (testkit-network.ts). */
  testkitNetwork(): TestkitNetwork {
    return testkitNetwork(
      () => this.running(),
      () => this.validatorPeers(),
      this.names,
      this.opts,
    );
  }

  /** Queues an envelope for the next batch. False when the batcher is full (push back). */
  submitEnvelope(envelope: Uint8Array): boolean {
    this.running();
    return this.batcher.add(envelope);
  }

  /** Publishes pending envelopes now; resolves when every batch so far is published. */
  flushEnvelopes(): Promise<void> {
    return this.batcher.flush();
  }

  /**
   * Sends one consensus message to all validators; resolves with the number of peers it was sent
   * to. `route` 'gossip' publishes it on the consensus topic. Gossipsub publishes given bytes once
   * per seen-cache lifetime (content-addressed IDs) and answers a repeat with no recipients, but
   * PBFT repeats bytes exactly on purpose: the status heartbeat (a CHECKPOINT for an unchanged tip)
   * on an idle chain, re-sent VIEW-CHANGEs. A message gossip did not take goes straight to every
   * connected peer instead, observers included: a node restarted onto an idle chain, or an
   * observer joining it, otherwise hears no tip announcement until the seen cache expires (two
   * minutes) and so never asks for blocks.
   *
   * `route` 'direct' queues it on the persistent consensus stream of every connected peer
   * (validators and observers): no gossip message ID, no forwarding between receivers. When a
   * validator of the set has no connection to this node, it is gossiped as well, so that peers
   * connected to that validator forward it (a partial mesh still carries it).
   */
  async broadcastConsensus(data: Uint8Array, route: 'gossip' | 'direct' = 'gossip'): Promise<number> {
    if (data.length > this.opts.maxConsensusBytes)
      throw new P2PError(P2PErrorCode.Oversized, 'consensus message over the cap', {
        length: data.length,
        cap: this.opts.maxConsensusBytes,
      });
    if (route === 'direct') {
      const peers = this.allowedPeers();
      const sent = this.streamToAll(peers, data);
      // Connected peers are distinct and never this node: every other validator is reached exactly
      // when as many validators are connected as there are besides this node.
      const connected = peers.filter((p) => this.allow.indexOf(p.toString()) !== undefined).length;
      const others = this.allow.validatorCount - (this.allow.indexOf(this.ownPeerId) === undefined ? 0 : 1);
      if (connected >= others) return sent;
      const reached = new Set(peers.map((p) => p.toString()));
      const { recipients } = await this.running().services.pubsub.publish(this.names.consensusTopic, data);
      return sent + recipients.filter((p) => !reached.has(p.toString())).length;
    }
    const gossiped = await this.publish(this.names.consensusTopic, data);
    if (gossiped > 0) return gossiped;
    return this.streamToAll(this.allowedPeers(), data);
  }

  /** Queues `data` on the consensus stream of each of `peers`; the number queued to. */
  private streamToAll(peers: PeerId[], data: Uint8Array): number {
    const libp2p = this.running();
    for (const peer of peers) this.consensusStreams.send(libp2p, peer, data);
    return peers.length;
  }

  /**
   * Queues one consensus message for one peer on its persistent consensus stream (opened, or
   * reopened with backoff, as needed). Resolves once queued; delivery is not confirmed (PBFT
   * retransmits). Throws OVERSIZED over the cap, UNKNOWN_PEER / NOT_ALLOWED for a peer outside
   * the set.
   */
  async sendConsensus(peer: PeerRef, data: Uint8Array): Promise<void> {
    this.consensusStreams.send(this.running(), this.allow.resolve(peer), data);
  }

  /**
   * Sends envelopes straight to every connected validator, in batches within the batch cap, on the
   * direct-envelopes protocol. For envelopes that gossip did not carry: gossipsub drops a batch it
   * has seen (content-addressed IDs), so a relay of the same batch would go nowhere. Resolves with
   * the number of peers that took every batch.
   */
  async relayEnvelopes(envelopes: readonly Uint8Array[]): Promise<number> {
    const libp2p = this.running();
    const batches = splitBatches(envelopes, this.opts.maxBatchBytes);
    const sent = await Promise.all(
      this.validatorPeers().map(async (peer) => {
        try {
          for (const b of batches) await this.directEnvelopes.send(libp2p, peer, b);
          return 1;
        } catch {
          return 0;
        }
      }),
    );
    return sent.reduce<number>((a, b) => a + b, 0);
  }

  /** One request/response exchange with `peer` (snapshots); `maxBytes` caps this response lower. */
  async request(peer: PeerRef, data: Uint8Array, timeoutMs?: number, maxBytes?: number): Promise<Uint8Array> {
    return this.requests.request(this.running(), this.allow.resolve(peer), data, timeoutMs, maxBytes);
  }

  private async publish(topic: string, data: Uint8Array): Promise<number> {
    const { recipients } = await this.running().services.pubsub.publish(topic, data);
    return recipients.length;
  }

  private running(): Host {
    if (this.host === undefined) throw new P2PError(P2PErrorCode.Stopped, 'p2p service not started');
    return this.host;
  }

  private peerEvent(name: 'peer:connect' | 'peer:disconnect', peer: PeerId): void {
    const peerId = peer.toString();
    this.events.emit(name, {
      peerId,
      validatorIndex: this.allow.indexOf(peerId),
      connectedValidators: this.connectedValidators(),
    });
  }
}
