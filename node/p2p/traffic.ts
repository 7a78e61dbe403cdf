// Bytes sent and received on each open connection, counted where libp2p hands a new raw connection
// to its metrics (the `metrics` option of createLibp2p): this is that Metrics implementation, doing
// nothing but wrapping each connection's source and sink. libp2p's own metric registrations are
// accepted and dropped (the node's Prometheus metrics are its own, node/mgmt/). Counters are keyed
// by the connection's remote address (ip/port), which is unique among open TCP connections.
import type { Metrics, MultiaddrConnection } from '@libp2p/interface';

export interface Traffic {
  sent: number;
  received: number;
}

/** Connections remembered at most; the oldest are forgotten first (closed ones in practice). */
const MAX_TRACKED = 1024;

const noopTimer = (): (() => void) => () => undefined;
const noopMetric = {
  update: () => undefined,
  increment: () => undefined,
  decrement: () => undefined,
  reset: () => undefined,
  observe: () => undefined,
  timer: noopTimer,
};

/** A multiaddr as a key: without its /p2p/<peer id> tail. */
export const addressKey = (addr: { toString(): string }): string => addr.toString().split('/p2p/')[0]!;

interface Tracked extends Traffic {
  conn: MultiaddrConnection;
}

export class TrafficMeter {
  private readonly byAddress = new Map<string, Tracked>();

  /** The counters of the connection to `remoteAddr`, zero when unknown. */
  of(remoteAddr: { toString(): string }): Traffic {
    const t = this.byAddress.get(addressKey(remoteAddr));
    return { sent: t?.sent ?? 0, received: t?.received ?? 0 };
  }

  /**
   * Forgets closed connections. Not "connections the host does not list": a connection is tracked
   * from the start of its upgrade, before the host lists it.
   */
  prune(): void {
    for (const [k, t] of this.byAddress) if (t.conn.timeline.close !== undefined) this.byAddress.delete(k);
  }

  track(maConn: MultiaddrConnection): void {
    const key = addressKey(maConn.remoteAddr);
    const t: Tracked = { sent: 0, received: 0, conn: maConn };
    this.byAddress.delete(key);
    this.byAddress.set(key, t);
    while (this.byAddress.size > MAX_TRACKED) this.byAddress.delete(this.byAddress.keys().next().value!);
    const source = maConn.source;
    maConn.source = (async function* () {
      for await (const chunk of source) {
        t.received += chunk.byteLength;
        yield chunk;
      }
    })();
    const sink = maConn.sink.bind(maConn);
    maConn.sink = (input) =>
      sink(
        (async function* () {
          for await (const chunk of input) {
            t.sent += chunk.byteLength;
            yield chunk;
          }
        })(),
      );
  }

  /** The Metrics object for createLibp2p's `metrics` option. */
  metrics(): Metrics {
    const register = (() => noopMetric) as never;
    return {
      trackMultiaddrConnection: (maConn) => this.track(maConn),
      trackProtocolStream: () => undefined,
      registerMetric: register,
      registerMetricGroup: register,
      registerCounter: register,
      registerCounterGroup: register,
      registerHistogram: register,
      registerHistogramGroup: register,
      registerSummary: register,
      registerSummaryGroup: register,
      traceFunction: ((_name: string, fn: unknown) => fn) as never,
      createTrace: () => undefined,
    };
  }
}
