// The `flood` Byzantine mode (test-only): a validator whose consensus stays honest but which, all
// the time, puts garbage and oversized messages on both gossip topics and every stream protocol of
// the node's network (node/p2p/testkit-network.ts gives it raw sends past its own caps). The honest
// nodes must drop all of it at their inbound caps and decoders, lower its gossip score (a REJECT is
// a penalty, node/p2p/gossip.ts) and keep committing with bounded memory.

/** The channels of node/p2p/testkit-network.ts (the same names: the test kit imports no node code). */
export type FloodChannel =
  | 'envelopes-topic'
  | 'consensus-topic'
  | 'direct'
  | 'direct-envelopes'
  | 'request'
  | 'ping';

const TOPICS: readonly FloodChannel[] = ['envelopes-topic', 'consensus-topic'];
const STREAMS: readonly FloodChannel[] = ['direct', 'direct-envelopes', 'request', 'ping'];

export interface FloodNetwork {
  caps: Record<FloodChannel, number>;
  send(channel: FloodChannel, chunks: Uint8Array[]): Promise<number>;
}

export interface FloodOptions {
  /** Garbage messages per channel per round. */
  garbagePerRound: number;
  /** Bytes of one garbage message. */
  garbageBytes: number;
  /** An oversized message on a channel whose cap is above `bigCap` only every this many rounds. */
  bigEvery: number;
  /** Caps above this are "big" (the 16 MiB consensus cap): their oversized message is rarer. */
  bigCap: number;
  /** Time between rounds (ms). */
  roundMs: number;
}

export const DEFAULT_FLOOD: FloodOptions = {
  garbagePerRound: 5,
  garbageBytes: 1024,
  bigEvery: 20,
  bigCap: 4 * 1024 * 1024,
  roundMs: 250,
};

export interface FloodSend {
  channel: FloodChannel;
  what: 'garbage' | 'oversized';
  chunks: Uint8Array[];
}

/** A stream frame's 4-byte big-endian length (node/p2p/frame.ts). */
function header(length: number): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint32(0, length);
  return h;
}

/**
 * What round `round` sends (pure but for `random`): on every channel `garbagePerRound` messages of
 * random bytes (on a stream, a well-formed frame of them: the decoder, not the framing, refuses),
 * and one message over the channel's cap — on a topic the whole message (random first bytes, so
 * gossip's content-addressed IDs never dedupe it), on a stream a frame header announcing cap + 1
 * followed by some bytes (the receiver refuses at the header, before buffering). Channels with a
 * big cap get their oversized message every `bigEvery` rounds only.
 */
export function floodRound(
  round: number,
  caps: Record<FloodChannel, number>,
  random: (n: number) => Uint8Array,
  o: FloodOptions = DEFAULT_FLOOD,
): FloodSend[] {
  const out: FloodSend[] = [];
  for (const channel of [...TOPICS, ...STREAMS]) {
    const stream = STREAMS.includes(channel);
    for (let k = 0; k < o.garbagePerRound; k++) {
      const body = random(channel === 'ping' ? caps.ping : o.garbageBytes);
      out.push({
        channel,
        what: 'garbage',
        chunks: stream && channel !== 'ping' ? [header(body.length), body] : [body],
      });
    }
    const cap = caps[channel];
    if (cap > o.bigCap && round % o.bigEvery !== 0) continue;
    if (stream) {
      const tail = random(Math.min(o.garbageBytes, cap));
      out.push({
        channel,
        what: 'oversized',
        chunks: channel === 'ping' ? [random(cap * 128)] : [header(cap + 1), tail],
      });
    } else {
      const big = new Uint8Array(cap + 1);
      big.set(random(32));
      out.push({ channel, what: 'oversized', chunks: [big] });
    }
  }
  return out;
}

/** Counts of what the flood put on the wire (sends that reached at least one peer). */
export interface FloodStats {
  rounds: number;
  sent: Record<'garbage' | 'oversized', number>;
}

/**
 * The flood as a node service: a round every `roundMs`, each waiting for the one before (so the
 * attacker's own memory stays bounded), until stopped.
 */
export function floodService(
  net: FloodNetwork,
  random: (n: number) => Uint8Array,
  o: FloodOptions = DEFAULT_FLOOD,
): { name: string; stats: FloodStats; start(): Promise<void>; stop(): Promise<void> } {
  const stats: FloodStats = { rounds: 0, sent: { garbage: 0, oversized: 0 } };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const round = async (): Promise<void> => {
    const sends = floodRound(stats.rounds++, net.caps, random, o);
    await Promise.all(
      sends.map(async (s) => {
        if ((await net.send(s.channel, s.chunks)) > 0) stats.sent[s.what]++;
      }),
    );
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(schedule);
    }, o.roundMs);
  };
  return {
    name: 'testkit-flood',
    stats,
    async start() {
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
