// Round-trip times to each connected peer, for the management plane (ListPeers, WatchNode,
// metrics). libp2p's connection monitor pings for liveness only and keeps whole milliseconds; this
// pings on a protocol of our own every interval and times the echo with performance.now(): one
// stream per ping, 32 random bytes each way, as libp2p's ping protocol does. The protocol is
// negotiated before the clock starts and the stream is closed after it stops, so a ping measures
// one data round trip (no close handshake, which small-packet delays on TCP would inflate). The
// last RTT and the average of the last few are kept per peer, forgotten when it disconnects.
// These pings are also the liveness check: libp2p's own monitor is told not to close a connection
// on a failed ping, and a peer is disconnected here after several misses in a row (liveness.ts).
// A peer whose ping is still out is not pinged again, so a slow answer is one miss, not several.
import type { IncomingStreamData, Libp2p, PeerId } from '@libp2p/interface';
import type { Chunk } from './frame.js';
import { MissedPings } from './liveness.js';
import { withDeadline } from './stream-io.js';

const PING_BYTES = 32;
/** Pings averaged into rttAvgMs. */
const WINDOW = 8;

export interface Rtt {
  lastMs: number;
  avgMs: number;
  /** When the last ping returned (ms since the epoch). */
  at: number;
}

export class Pinger {
  private readonly rtts = new Map<string, number[]>();
  private readonly last = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly misses: MissedPings;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly protocol: string,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    /** Misses in a row after which a peer is disconnected (`onUnresponsive`). */
    missesToClose = 3,
    private readonly onUnresponsive: (peer: PeerId, misses: number) => void = () => undefined,
  ) {
    this.misses = new MissedPings(missesToClose);
  }

  /** Answers a ping: reads 32 bytes and sends them back. */
  readonly serve = async ({ stream }: IncomingStreamData): Promise<void> => {
    try {
      await withDeadline(stream, this.timeoutMs, async (s) => {
        const data = await readBytes(s.source, PING_BYTES);
        await s.sink([data]);
      });
    } catch (err) {
      stream.abort(err as Error);
    }
  };

  start(host: Libp2p): void {
    this.stop();
    this.timer = setInterval(() => {
      for (const peer of host.getPeers()) this.check(host, peer);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One liveness ping unless one is still out; counts the outcome and reports an unresponsive peer. */
  private check(host: Libp2p, peer: PeerId): void {
    const id = peer.toString();
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    const done = (answered: boolean) => {
      this.inFlight.delete(id);
      if (this.misses.record(id, answered)) this.onUnresponsive(peer, this.misses.limit);
    };
    this.ping(host, peer).then(
      () => done(true),
      () => done(false),
    );
  }

  /** One ping to `peer`; resolves with the RTT in ms (fractional). */
  async ping(host: Libp2p, peer: PeerId): Promise<number> {
    const payload = crypto.getRandomValues(new Uint8Array(PING_BYTES));
    const stream = await host.dialProtocol(peer, this.protocol, {
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const rtt = await withDeadline(stream, this.timeoutMs, async (s) => {
      let release = (): void => undefined;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const t0 = performance.now();
      // The write side stays open until the echo is in: its close is not part of the round trip.
      const sending = s.sink(
        (async function* () {
          yield payload;
          await held;
        })(),
      );
      await readBytes(s.source, PING_BYTES);
      const ms = performance.now() - t0;
      release();
      await sending;
      return ms;
    });
    const id = peer.toString();
    const window = this.rtts.get(id) ?? [];
    window.push(rtt);
    if (window.length > WINDOW) window.shift();
    this.rtts.set(id, window);
    this.last.set(id, Date.now());
    return rtt;
  }

  rttOf(peerId: string): Rtt | undefined {
    const w = this.rtts.get(peerId);
    if (w === undefined || w.length === 0) return undefined;
    return {
      lastMs: w[w.length - 1]!,
      avgMs: w.reduce((a, b) => a + b, 0) / w.length,
      at: this.last.get(peerId) ?? 0,
    };
  }

  forget(peerId: string): void {
    this.rtts.delete(peerId);
    this.last.delete(peerId);
    this.misses.forget(peerId);
  }
}

/** The first `n` bytes of `source` (more are left unread); throws if it ends before. */
async function readBytes(source: AsyncIterable<Chunk>, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let fill = 0;
  for await (const chunk of source) {
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    const take = Math.min(n - fill, bytes.length);
    out.set(bytes.subarray(0, take), fill);
    fill += take;
    if (fill === n) return out;
  }
  throw new Error(`ping stream ended after ${fill} of ${n} bytes`);
}
