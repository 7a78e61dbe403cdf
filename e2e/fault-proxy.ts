// A userspace fault proxy for one directed TCP link (the kernel here has no netem): it listens on a
// loopback port and forwards every connection to one target, and on command it cuts the link
// (every connection closed, new ones reset at once), stalls it (nothing read or forwarded, new
// connections accepted and held: a tarpit) or delays each chunk by a fixed time plus jitter, in
// order. Node A dials B through the proxy of link A→B, configured as B's address in A's peers.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type LinkMode = 'open' | 'cut' | 'stall';

export interface LinkStats {
  accepted: number;
  /** Connections reset at accept because the link was cut. */
  refused: number;
  bytes: number;
}

/** Bytes read and not yet written towards one side before reading pauses (the bound). */
const MAX_QUEUED = 4 * 1024 * 1024;

export class FaultLink {
  private server: Server | undefined;
  private readonly pipes = new Set<Pipe>();
  private modeNow: LinkMode = 'open';
  private delay = { ms: 0, jitterMs: 0 };
  readonly stats: LinkStats = { accepted: 0, refused: 0, bytes: 0 };
  port = 0;

  constructor(
    /** Where connections go; may be set after start (before the first connection). */
    public target: { host: string; port: number },
    /** Jitter source in [0, 1): injected so that a seeded run delays the same way. */
    private readonly random: () => number = Math.random,
  ) {}

  /** Listens on 127.0.0.1:`port` (0: a free one); resolves with the port. */
  async start(port = 0): Promise<number> {
    const server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('fault proxy: no port');
    this.server = server;
    this.port = addr.port;
    return this.port;
  }

  get mode(): LinkMode {
    return this.modeNow;
  }

  get connections(): number {
    return this.pipes.size;
  }

  /** Every open connection is closed; new ones are reset as soon as they are accepted. */
  cut(): void {
    this.modeNow = 'cut';
    for (const p of [...this.pipes]) p.destroy();
  }

  /** Nothing more is read from either side; new connections are accepted and held unanswered. */
  stall(): void {
    this.modeNow = 'stall';
    for (const p of this.pipes) p.pause();
  }

  /** Back to forwarding: held connections are connected, stalled ones read again. */
  heal(): void {
    this.modeNow = 'open';
    for (const p of this.pipes) p.resume();
  }

  /** Each chunk waits `ms` plus a uniform [0, `jitterMs`) before it is written; order is kept. */
  setDelay(ms: number, jitterMs = 0): void {
    if (ms < 0 || jitterMs < 0) throw new RangeError('delay and jitter must be ≥ 0');
    this.delay = { ms, jitterMs };
  }

  /** The delay of the next chunk (ms). */
  nextDelay(): number {
    const { ms, jitterMs } = this.delay;
    return jitterMs === 0 ? ms : ms + Math.floor(this.random() * jitterMs);
  }

  async close(): Promise<void> {
    for (const p of [...this.pipes]) p.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.modeNow === 'cut') {
      this.stats.refused++;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.stats.accepted++;
    const pipe = new Pipe(this, client, () => this.pipes.delete(pipe));
    this.pipes.add(pipe);
    if (this.modeNow === 'open') pipe.resume();
  }

  /** Counts forwarded bytes (both directions). */
  forwarded(n: number): void {
    this.stats.bytes += n;
  }
}

/** One accepted connection and its upstream, connected on the first resume (a held one waits). */
class Pipe {
  private upstream: Socket | undefined;
  private dead = false;
  private readonly lanes: Lane[] = [];

  constructor(
    private readonly link: FaultLink,
    private readonly client: Socket,
    private readonly onGone: () => void,
  ) {
    client.pause();
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
  }

  resume(): void {
    if (this.dead) return;
    if (this.upstream === undefined) {
      const up = connect(this.link.target.port, this.link.target.host);
      up.on('error', () => this.destroy());
      up.on('close', () => this.destroy());
      this.upstream = up;
      this.lanes.push(new Lane(this.link, this.client, up), new Lane(this.link, up, this.client));
    }
    for (const l of this.lanes) l.resume();
  }

  pause(): void {
    for (const l of this.lanes) l.pause();
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    for (const l of this.lanes) l.stop();
    this.client.destroy();
    this.upstream?.destroy();
    this.onGone();
  }
}

/** One direction of a pipe: reads `from`, writes `to` after the link's delay, in order. */
class Lane {
  private queued = 0;
  /** Chunks waiting for their time, in arrival order; `at` never falls along the queue. */
  private readonly queue: { at: number; chunk: Buffer }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private held = false;

  constructor(
    private readonly link: FaultLink,
    private readonly from: Socket,
    private readonly to: Socket,
  ) {
    from.on('data', (chunk: Buffer) => this.push(chunk));
    to.on('drain', () => this.maybeResume());
  }

  private push(chunk: Buffer): void {
    const delay = this.link.nextDelay();
    if (delay === 0 && this.queue.length === 0) {
      this.write(chunk);
      return;
    }
    // A later chunk never overtakes the one before it, whatever its jitter.
    const last = this.queue[this.queue.length - 1]?.at ?? 0;
    this.queue.push({ at: Math.max(Date.now() + delay, last), chunk });
    this.queued += chunk.length;
    if (this.queued > MAX_QUEUED) this.from.pause();
    this.schedule();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (this.timer !== undefined || head === undefined) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.at - Date.now()));
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) {
      const { chunk } = this.queue.shift()!;
      this.queued -= chunk.length;
      this.write(chunk);
    }
    this.maybeResume();
    this.schedule();
  }

  private write(chunk: Buffer): void {
    if (this.to.destroyed) return;
    this.link.forwarded(chunk.length);
    if (!this.to.write(chunk)) this.from.pause();
  }

  private maybeResume(): void {
    if (!this.held && this.queued <= MAX_QUEUED / 2 && !this.to.writableNeedDrain) this.from.resume();
  }

  pause(): void {
    this.held = true;
    this.from.pause();
  }

  resume(): void {
    this.held = false;
    this.maybeResume();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}
