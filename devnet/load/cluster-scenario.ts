// One load scenario of the cluster benchmark: a bench cluster (n nodes, the synthetic sites and an
// SCP key in its genesis) started here or targeted (--target), a driver process that pre-generates
// the envelopes and then drives the nodes, and per-node CPU, RSS, blocks and view changes sampled
// around the driver's timed window.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterLayout } from '../layout.js';
import { type BenchCluster, openBenchCluster } from './bench-cluster.js';
import { type NodeCounters, scrapeNode } from './node-metrics.js';
import type { DriverPlan, DriverProgress, DriverResult, LoadMode } from './plan.js';
import { type ProcSample, sampleProcess } from './proc-stats.js';
import { firstSeqFor, reserveSeqs } from './seq-base.js';

export interface ScenarioSpec {
  name: string;
  n: number;
  sites: number;
  /** Envelopes generated per site (the run ends early if they run out). */
  perSite: number;
  mode: LoadMode;
  durationMs: number;
  warmupMs: number;
  /** Folder of the bench cluster; a fresh temporary one (removed after) when absent. */
  dir?: string;
  /** Drive the already running cluster of `dir` instead of starting one. */
  target?: boolean;
  /** Write each node's V8 CPU profile (--cpu-prof) into this folder. */
  cpuProfDir?: string;
  /** Wait after the window for accepted envelopes to commit (default DEFAULT_DRAIN_MS). */
  drainMs?: number;
  onProgress?: (p: DriverProgress) => void;
}

export interface NodeFigures {
  node: number;
  /** Cores used on average during the window (CPU seconds / wall seconds). */
  cpuCores: number;
  /** Share of the window its main thread was runnable but waited for a CPU (0..1). */
  cpuWait: number;
  peakRssMb: number;
  /** RSS at the start and end of the window (MB): their ratio shows growth. */
  rssStartMb: number;
  rssEndMb: number;
  blocks: number;
  viewChanges: number;
  /** Proposals by reference over the window: envelopes fetched and taken from the admission backlog, exchanges, timeouts, seconds waited, proposals dropped. */
  bodies: {
    fetched: number;
    backlog: number;
    exchanges: number;
    timeouts: number;
    waitSeconds: number;
    dropped: number;
  };
}

export interface ScenarioResult {
  name: string;
  n: number;
  mode: LoadMode;
  driver: DriverResult;
  nodes: NodeFigures[];
  /**
   * CPU seconds of each node (all threads) from the window's start to the end of the drain, when
   * the driver has seen its envelopes committed: with `driver.committed`, the CPU per envelope of
   * the whole run, which does not depend on how many of the envelopes a loaded machine let the
   * cluster commit inside the window.
   */
  runCpuSeconds: number[];
}

/**
 * How long the driver waits after the window, at most, for the envelopes it got accepted to commit.
 * It stops as soon as they all have, so on a quiet machine this costs a block or two; on a loaded one
 * (nodes at 0.05 cores) a 15 s drain left most of an n = 4 window uncommitted, and the whole-run CPU
 * per envelope that the blocking guards divide (cpu-guards.ts) then charged their work to the few
 * that committed.
 */
export const DEFAULT_DRAIN_MS = 60_000;

export const driverEntry = join(dirname(fileURLToPath(import.meta.url)), 'driver.js');
const mb = (b: number): number => Math.round(b / 1024 / 1024);

interface Snapshot {
  at: number;
  procs: (ProcSample | undefined)[];
  counters: (NodeCounters | undefined)[];
}

async function snapshot(pids: number[], mgmt: string[]): Promise<Snapshot> {
  return {
    at: performance.now(),
    procs: pids.map((p) => sampleProcess(p)),
    counters: await Promise.all(mgmt.map((m) => scrapeNode(m))),
  };
}

const delta = (
  a: NodeCounters | undefined,
  b: NodeCounters | undefined,
  f: (c: NodeCounters) => number,
): number => (a && b ? f(b) - f(a) : Number.NaN);

function nodeFigures(a: Snapshot, b: Snapshot): NodeFigures[] {
  const wall = (b.at - a.at) / 1000;
  return b.procs.map((end, i) => {
    const start = a.procs[i];
    const ca = a.counters[i];
    const cb = b.counters[i];
    return {
      node: i,
      cpuCores:
        start && end ? Math.round(((end.cpuSeconds - start.cpuSeconds) / wall) * 100) / 100 : Number.NaN,
      cpuWait:
        start && end ? Math.round(((end.waitSeconds - start.waitSeconds) / wall) * 100) / 100 : Number.NaN,
      peakRssMb: end ? mb(end.peakRssBytes) : Number.NaN,
      rssStartMb: start ? mb(start.rssBytes) : Number.NaN,
      rssEndMb: end ? mb(end.rssBytes) : Number.NaN,
      blocks: ca && cb ? cb.height - ca.height : Number.NaN,
      viewChanges: ca && cb ? cb.viewChanges - ca.viewChanges : Number.NaN,
      bodies: {
        fetched: delta(ca, cb, (c) => c.bodiesFetched),
        backlog: delta(ca, cb, (c) => c.bodiesFromBacklog),
        exchanges: delta(ca, cb, (c) => c.bodyExchanges),
        timeouts: delta(ca, cb, (c) => c.bodyTimeouts),
        waitSeconds: Math.round(delta(ca, cb, (c) => c.bodyWaitSeconds) * 10) / 10,
        dropped: delta(ca, cb, (c) => c.proposalsDropped),
      },
    };
  });
}

/** What a forked load driver says: ready, progress of shape P, its result R, or an error. */
export type ForkedDriverMessage<P, R> =
  | { type: 'ready' }
  | ({ type: 'progress' } & P)
  | ({ type: 'result' } & R)
  | { type: 'error'; message: string };

/**
 * Forks the load driver `entry`, sends it `plan` and runs it to its result; `onReady` runs between
 * its preparation and the timed window (the driver waits for `go`).
 */
export function runForkedDriver<P, R>(
  entry: string,
  plan: object,
  onReady: () => Promise<void>,
  onProgress: (p: { type: 'progress' } & P) => void,
): Promise<{ type: 'result' } & R> {
  const child: ChildProcess = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: ForkedDriverMessage<P, R>) => {
      if (m.type === 'ready')
        void onReady().then(
          () => child.send({ type: 'go' }),
          (err: unknown) => reject(err),
        );
      else if (m.type === 'progress') onProgress(m);
      else if (m.type === 'result') resolve(m);
      else if (m.type === 'error') reject(new Error(`load driver: ${m.message}`));
    });
    child.on('exit', (code) => reject(new Error(`load driver exited (${code}) without a result`)));
    child.send({ type: 'plan', ...plan });
  });
}

/** The node processes' ids of a started cluster (cluster.pids), in node order. */
export function pidsOf(layout: ClusterLayout): number[] {
  const file = join(layout.dir, 'cluster.pids');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
}

export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const dir = spec.dir ?? mkdtempSync(join(tmpdir(), 'bkdms-bench-'));
  let cluster: BenchCluster | undefined;
  try {
    cluster = await openBenchCluster({
      dir,
      n: spec.n,
      sites: spec.sites,
      start: spec.target !== true,
      cpuProfDir: spec.cpuProfDir,
    });
    const layout = cluster.layout;
    const firstSeq = firstSeqFor(layout.dir);
    reserveSeqs(layout.dir, firstSeq, spec.perSite);
    const plan: DriverPlan = {
      rpc: layout.nodes.map((x) => `127.0.0.1:${x.ports.rpc}`),
      chainIdHex: layout.chainId,
      scpPublicKeyHex: cluster.scpPublicKeyHex,
      siteSeedsHex: cluster.siteSeedsHex,
      perSite: spec.perSite,
      // Above every sequence number an earlier run on this cluster used, within the chain's gap.
      firstSeq,
      mode: spec.mode,
      durationMs: spec.durationMs,
      warmupMs: spec.warmupMs,
      drainMs: spec.drainMs ?? DEFAULT_DRAIN_MS,
      batch: 250,
      // Enough uploads in flight that admission latency does not cap a small cluster.
      lanesPerNode: Math.max(4, Math.ceil(16 / spec.n)),
    };
    const pids = pidsOf(layout);
    const mgmt = layout.nodes.map((x) => `127.0.0.1:${x.ports.mgmt}`);
    let first: Snapshot | undefined;
    let last: Snapshot | undefined;
    const driver = await runForkedDriver<DriverProgress, DriverResult>(
      driverEntry,
      plan,
      async () => {
        first = await snapshot(pids, mgmt);
      },
      (p) => {
        spec.onProgress?.(p);
        // The window's end: the last progress tick before draining (sampled again below if later).
        // Only the ticks around it are scraped: a scrape of every node every second was itself
        // 2-3% of a node's main thread at half load (the metrics page and its samples).
        if (p.elapsedMs >= spec.durationMs - 1500 && p.elapsedMs <= spec.durationMs + 1000)
          void snapshot(pids, mgmt).then((s) => (last = s));
      },
    );
    last ??= await snapshot(pids, mgmt);
    const end = await snapshot(pids, mgmt);
    const runCpuSeconds = end.procs.map((p, i) => {
      const s = first!.procs[i];
      return p && s ? p.cpuSeconds - s.cpuSeconds : Number.NaN;
    });
    return {
      name: spec.name,
      n: spec.n,
      mode: spec.mode,
      driver,
      nodes: nodeFigures(first!, last),
      runCpuSeconds,
    };
  } finally {
    await cluster?.close();
    if (spec.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
