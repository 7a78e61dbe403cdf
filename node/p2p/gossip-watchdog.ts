// Gossipsub drops a peer whose inbound stream failed (an RPC over its size limit, a decode error
// of the stream) but leaves the libp2p connection open, so gossip with that peer would stay dead
// until the connection happened to close. The watchdog notices a connected peer that gossipsub no
// longer counts for several sweeps in a row and hangs up; the re-dialer then builds a fresh
// connection with fresh gossip streams.
export interface WatchdogView {
  /** Peers with an open connection. */
  connected(): string[];
  /** Peers gossipsub currently exchanges messages with. */
  gossiping(): Set<string>;
  hangUp(peerId: string): void;
}

export class GossipWatchdog {
  private readonly strikes = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly view: WatchdogView,
    private readonly intervalMs: number,
    /** Consecutive sweeps a peer may be missing (a new connection needs a moment to gossip). */
    private readonly maxStrikes = 3,
  ) {}

  start(): void {
    if (this.intervalMs > 0) this.timer = setInterval(() => this.sweep(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.strikes.clear();
  }

  /** One check; returns the peers it hung up on. */
  sweep(): string[] {
    const gossiping = this.view.gossiping();
    const connected = new Set(this.view.connected());
    const dropped: string[] = [];
    for (const id of this.strikes.keys())
      if (!connected.has(id) || gossiping.has(id)) this.strikes.delete(id);
    for (const id of connected) {
      if (gossiping.has(id)) continue;
      const n = (this.strikes.get(id) ?? 0) + 1;
      if (n < this.maxStrikes) {
        this.strikes.set(id, n);
        continue;
      }
      this.strikes.delete(id);
      dropped.push(id);
      this.view.hangUp(id);
    }
    return dropped;
  }
}
