// Gossipsub for a permissioned validator cluster: unsigned messages (every payload is signed by
// its author at the application layer, and gossipsub signing cost ~3.6x throughput here),
// content-addressed message IDs, two topics only, inbound size capped, and a topic score that
// punishes REJECTed messages hard enough that a peer sending garbage is graylisted quickly.
import {
  type GossipSub,
  type GossipSubComponents,
  type GossipsubOpts,
  gossipsub,
} from '@chainsafe/libp2p-gossipsub';
import { createPeerScoreParams, createTopicScoreParams } from '@chainsafe/libp2p-gossipsub/score';
import type { Message, PeerId } from '@libp2p/interface';
import { StrictNoSign, TopicValidatorResult } from '@libp2p/interface';
import type { InboundGate, MessageKind, Verdict } from './inbound.js';
import type { P2PNames } from './options.js';

// Every REJECT costs (count^2 * 10) before decay; three quick ones pass the graylist threshold.
const topicScore = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0,
  firstMessageDeliveriesWeight: 0,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.5,
});

/** The gossipsub service factory; typed as GossipSub (what it builds) for getScore and friends. */
export function gossipService(
  names: P2PNames,
  maxMessageBytes: number,
  maxOutboundBufferBytes: number,
): (components: GossipSubComponents) => GossipSub {
  const opts: Partial<GossipsubOpts> = {
    globalSignaturePolicy: StrictNoSign,
    emitSelf: false,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    fallbackToFloodsub: false,
    doPX: false,
    allowedTopics: [names.envelopesTopic, names.consensusTopic],
    // The hard bound of one RPC frame. An RPC above it breaks gossipsub's stream from that peer
    // (the watchdog repairs it), so it is set well above the topic caps: a message between the
    // two reaches the inbound gate and is rejected as oversized, with a score penalty.
    maxInboundDataLength: 2 * maxMessageBytes + 64 * 1024,
    // Per-peer outbound queue: a slow peer makes publishing to it fail instead of growing memory.
    maxOutboundBufferSize: maxOutboundBufferBytes,
    scoreParams: createPeerScoreParams({
      // A city's cluster often runs several nodes behind one address: no colocation penalty.
      IPColocationFactorWeight: 0,
      topics: { [names.envelopesTopic]: topicScore, [names.consensusTopic]: topicScore },
    }),
  };
  return gossipsub(opts) as (components: GossipSubComponents) => GossipSub;
}

const toResult: Record<Verdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
};

/** Subscribes to both topics and routes every inbound message through the gate. */
export function wireTopics(pubsub: GossipSub, names: P2PNames, gate: InboundGate): void {
  const route = (kind: MessageKind) => async (peer: PeerId, msg: Message) =>
    toResult[await gate.screen(kind, peer.toString(), msg.data, false)];
  pubsub.topicValidators.set(names.envelopesTopic, route('envelopes'));
  pubsub.topicValidators.set(names.consensusTopic, route('consensus'));
  pubsub.subscribe(names.envelopesTopic);
  pubsub.subscribe(names.consensusTopic);
}
