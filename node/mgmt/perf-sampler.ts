// Performance management: one sample of the node each second (host and process CPU, memory, the
// data folder's size and growth, free disk, height, mempool, and per-peer RTT, bytes and rates),
// kept as the latest value that WatchNode streams and the Prometheus gauges read. One timer for the
// node however many clients watch; the data folder is walked at most every few seconds, and the
// walk is bounded in entries so a huge folder cannot stall the event loop for long.
import { readdirSync, statSync } from 'node:fs';
import { cpus, freemem } from 'node:os';
import { join } from 'node:path';
import type { NodeSample, PeerLink } from '../../api/management-types.js';
import type { Service } from '../../runtime/lifecycle.js';
import { diskOf } from './node-info.js';

export interface SamplerSources {
  dataDir: string;
  height: () => number;
  mempoolEnvelopes: () => number;
  /** Peer rows with cumulative bytes; rates are filled in here. */
  peers: () => PeerLink[];
  now?: () => number;
}

/** Entries the data folder walk visits at most. */
const MAX_WALK_ENTRIES = 200_000;
const WALK_EVERY_MS = 5_000;
/** Growth is measured over up to this long. */
const GROWTH_WINDOW_MS = 60_000;

/** Bytes of the regular files under `dir` (not following links), bounded in entries. */
export function folderBytes(dir: string, maxEntries = MAX_WALK_ENTRIES): number {
  let total = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < maxEntries) {
    const d = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > maxEntries) break;
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile())
        try {
          total += statSync(p).size;
        } catch {
          // removed while walking (a compaction): skip it
        }
    }
  }
  return total;
}

function cpuTotals(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

export class PerfSampler implements Service {
  readonly name = 'perf-sampler';
  private timer: ReturnType<typeof setInterval> | undefined;
  private latest: NodeSample;
  private host = cpuTotals();
  private proc = { usage: process.cpuUsage(), at: performance.now() };
  private sizes: { at: number; bytes: number }[] = [];
  private walkedAt = Number.NEGATIVE_INFINITY;
  private readonly traffic = new Map<string, { at: number; sent: number; received: number }>();
  private readonly now: () => number;

  constructor(
    private readonly s: SamplerSources,
    private readonly intervalMs = 1000,
  ) {
    this.now = s.now ?? Date.now;
    this.latest = this.take();
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      this.latest = this.take();
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest sample (at most one interval old). */
  sample(): NodeSample {
    return this.latest;
  }

  /** A sample now; CPU figures cover the time since the previous one. */
  take(): NodeSample {
    const now = this.now();
    const host = cpuTotals();
    const dTotal = host.total - this.host.total;
    const hostCpu = dTotal > 0 ? 1 - (host.idle - this.host.idle) / dTotal : 0;
    this.host = host;
    const usage = process.cpuUsage();
    const at = performance.now();
    const dUs = usage.user - this.proc.usage.user + usage.system - this.proc.usage.system;
    const processCpu = at > this.proc.at ? dUs / 1000 / (at - this.proc.at) : 0;
    this.proc = { usage, at };
    const mem = process.memoryUsage();
    const disk = diskOf(this.s.dataDir);
    return {
      time: now,
      hostCpu: Math.max(0, Math.min(1, hostCpu)),
      processCpu: Math.max(0, processCpu),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      memoryFreeBytes: freemem(),
      ...this.dataSize(now),
      diskFreeBytes: disk.free,
      height: this.s.height(),
      mempoolEnvelopes: this.s.mempoolEnvelopes(),
      peers: this.withRates(this.s.peers(), now),
    };
  }

  private dataSize(now: number): { dataBytes: number; dataGrowthBps: number } {
    if (now - this.walkedAt >= WALK_EVERY_MS || this.sizes.length === 0) {
      this.walkedAt = now;
      this.sizes.push({ at: now, bytes: folderBytes(this.s.dataDir) });
      while (this.sizes.length > 2 && now - this.sizes[0]!.at > GROWTH_WINDOW_MS) this.sizes.shift();
    }
    const first = this.sizes[0]!;
    const last = this.sizes[this.sizes.length - 1]!;
    const dt = (last.at - first.at) / 1000;
    return { dataBytes: last.bytes, dataGrowthBps: dt > 0 ? (last.bytes - first.bytes) / dt : 0 };
  }

  /** Rates per link from its counters at the previous sample of the same connection. */
  private withRates(peers: PeerLink[], now: number): PeerLink[] {
    const live = new Set<string>();
    const out = peers.map((p) => {
      const key = `${p.peerId}@${p.remoteAddress}@${p.connectedSince}`;
      live.add(key);
      const prev = this.traffic.get(key);
      this.traffic.set(key, { at: now, sent: p.bytesSent, received: p.bytesReceived });
      const dt = prev === undefined ? 0 : (now - prev.at) / 1000;
      if (prev === undefined || dt <= 0) return p;
      return {
        ...p,
        sendRateBps: Math.max(0, (p.bytesSent - prev.sent) / dt),
        receiveRateBps: Math.max(0, (p.bytesReceived - prev.received) / dt),
      };
    });
    for (const k of this.traffic.keys()) if (!live.has(k)) this.traffic.delete(k);
    return out;
  }
}
