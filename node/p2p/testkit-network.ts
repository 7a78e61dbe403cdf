// TEST ONLY: raw access to the node's network for the test kit's `flood` mode (a Byzantine
// validator that puts garbage and oversized messages on every gossip topic and stream protocol).
// Nothing here is used by a normal node: `bkdms node start` builds it only with --testkit and
// BKDMS_TESTKIT_BYZANTINE=flood. It bypasses this node's own outbound caps on purpose, so that the
// honest nodes' inbound caps and penalties are what is tested.
import type { PeerId } from '@libp2p/interface';
import type { Host } from './host.js';
import type { P2PNames, P2POptions } from './options.js';
import { openStream, withDeadline } from './stream-io.js';

/** Every way bytes reach a peer: the two gossip topics and the four stream protocols. */
export const FLOOD_CHANNELS = [
  'envelopes-topic',
  'consensus-topic',
  'direct',
  'direct-envelopes',
  'request',
  'ping',
] as const;
export type FloodChannel = (typeof FLOOD_CHANNELS)[number];

export interface TestkitNetwork {
  /** The largest message an honest node takes on each channel (bytes; a stream's frame body). */
  caps: Record<FloodChannel, number>;
  /**
   * Puts `chunks` on `channel`: published on a topic, or written on a new stream to every
   * connected validator. Never throws (a refusal is the point); resolves with the peers reached.
   */
  send(channel: FloodChannel, chunks: Uint8Array[]): Promise<number>;
}

/** How long one flood stream may take before it is aborted. */
const STREAM_MS = 2_000;

export function testkitNetwork(
  host: () => Host,
  peers: () => PeerId[],
  names: P2PNames,
  o: P2POptions,
): TestkitNetwork {
  const protocolOf: Record<Exclude<FloodChannel, `${string}-topic`>, string> = {
    direct: names.directProtocol,
    'direct-envelopes': names.directEnvelopesProtocol,
    request: names.requestProtocol,
    ping: names.pingProtocol,
  };
  const joined = (chunks: Uint8Array[]): Uint8Array => Buffer.concat(chunks);
  return {
    caps: {
      'envelopes-topic': o.maxBatchBytes,
      'consensus-topic': o.maxConsensusBytes,
      direct: o.maxConsensusBytes,
      'direct-envelopes': o.maxBatchBytes,
      request: o.maxRequestBytes,
      ping: 32,
    },
    async send(channel, chunks) {
      try {
        if (channel === 'envelopes-topic' || channel === 'consensus-topic') {
          const topic = channel === 'envelopes-topic' ? names.envelopesTopic : names.consensusTopic;
          return (await host().services.pubsub.publish(topic, joined(chunks))).recipients.length;
        }
        const libp2p = host();
        const sent = await Promise.all(
          peers().map(async (peer) => {
            try {
              const stream = await openStream(libp2p, peer, protocolOf[channel], STREAM_MS);
              await withDeadline(stream, STREAM_MS, async (s) => {
                await s.sink(chunks);
                for await (const _ of s.source) {
                  // Whatever the peer answers (a refusal) is not read further.
                }
              });
              return 1;
            } catch {
              return 0;
            }
          }),
        );
        return sent.reduce<number>((a, b) => a + b, 0);
      } catch {
        return 0;
      }
    },
  };
}
