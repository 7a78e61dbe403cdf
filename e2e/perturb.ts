// Carries out a manifest's timed perturbations and late starts on a running e2e cluster: each at
// its time after the load started, undone after its duration. Records what happened when, the
// time each node was last disturbed (the catch-up bound counts from it), and for a partition with
// no quorum side the heights just after it settled and just before it healed (nothing may commit).
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pause } from '../api/retry.js';
import { FAILPOINT_ENV, SEGMENT_BYTES_ENV } from '../runtime/failpoints.js';
import type { E2ECluster } from './cluster.js';
import { atPlatform, type Manifest, type Perturbation, partitionHasQuorum } from './manifest.js';
import { applyToPlatform, type PlatformPerturbation } from './perturb-platform.js';
import type { E2EPlatform } from './platform.js';

/** After a partition starts, blocks already certified may still land; then nothing may (ms). */
const SETTLE_MS = 2_000;

export interface PerturbRecord {
  index: number;
  kind: Perturbation['kind'] | 'late-start';
  /** The validators it was aimed at (none for the platform). */
  nodes: number[];
  /** Aimed at the platform process. */
  platform?: true;
  startedAt: number;
  endedAt?: number;
  /** For a partition with no quorum side: the highest tip after it settled and before it healed. */
  stalled?: { settledHeight: number; healHeight: number };
  /** For a fault aimed at "primary": the view whose primary it hit. */
  primaryView?: number;
  /**
   * For a crash point: how the armed process ended, whether it logged dying at the point, and for
   * the platform the block whose transaction it died in.
   */
  crash?: { point: string; how: number | string; logged: boolean; height?: number };
}

export type Log = (line: string) => void;

const FILLER = 'e2e-filler';

/** Writes a filler file into `dir` until the disk refuses (ENOSPC), in MiB then 4 KiB steps; returns the MiB written. */
function fillDisk(dir: string): number {
  const fd = openSync(join(dir, FILLER), 'w');
  let bytes = 0;
  try {
    for (const size of [1 << 20, 4096]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) bytes += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return Math.round(bytes / (1 << 20));
}

export async function maxHeight(c: E2ECluster, nodes: readonly number[]): Promise<number> {
  const hs = await Promise.all(
    nodes.map((i) =>
      c
        .client(i)
        .getStatus({ deadlineMs: 5_000 })
        .then((s) => s.height)
        .catch(() => 0),
    ),
  );
  return Math.max(0, ...hs);
}

export class Perturber {
  readonly records: PerturbRecord[] = [];
  /** Perturbations that could not be carried out (a node that would not start again). */
  readonly errors: string[] = [];
  /** When each node was last disturbed (ms since epoch; 0: never). */
  readonly lastFault: number[];
  /** When the platform was last disturbed (ms since epoch; 0: never). */
  platformLastFault = 0;
  private readonly running: Promise<void>[] = [];
  /** Per node (or the platform), the fault in progress on it (undone once this resolves). */
  private readonly busy = new Map<number | 'platform', Promise<void>>();
  /** Per crash-point perturbation: resolved once its armed node died there, or it failed. */
  private readonly armed = new Map<number, { settled: Promise<void>; settle: () => void }>();

  constructor(
    private readonly c: E2ECluster,
    private readonly m: Manifest,
    private readonly log: Log,
    /** The run's platform: the target of the perturbations aimed at "platform". */
    private readonly platform?: E2EPlatform,
  ) {
    this.lastFault = Array.from({ length: c.n }, () => 0);
  }

  /** Schedules everything relative to `t0`; `done` resolves when every fault has been undone. */
  start(t0: number, signal: AbortSignal): void {
    this.m.lateStart.forEach((l, k) => {
      this.running.push(
        this.at(t0 + l.atMs, signal, async () => {
          const rec: PerturbRecord = {
            index: -1 - k,
            kind: 'late-start',
            nodes: [l.node],
            startedAt: Date.now(),
          };
          this.records.push(rec);
          this.log(`late start: node ${l.node}`);
          await this.c.start(l.node);
          rec.endedAt = Date.now();
          this.lastFault[l.node] = rec.endedAt;
        }),
      );
    });
    this.m.perturbations.forEach((p, k) => {
      if (p.kind === 'crash-point') {
        let settle = () => {};
        const settled = new Promise<void>((res) => {
          settle = res;
        });
        this.armed.set(k, { settled, settle });
      }
      const run = this.at(t0 + p.atMs, signal, () => this.run(k, p, signal));
      this.running.push(run.finally(() => this.armed.get(k)?.settle()));
    });
  }

  /**
   * Resolves once every crash point's armed node has died there (or failed to): the load must go
   * on until then, since an idle chain writes nothing and never reaches a point. On a loaded
   * machine the armed restart alone can outlast the manifest's load.
   */
  async crashPointsReached(): Promise<void> {
    await Promise.all([...this.armed.values()].map((a) => a.settled));
  }

  async done(): Promise<void> {
    await Promise.all(this.running);
  }

  private async at(when: number, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
    if (!(await pause(Math.max(0, when - Date.now()), signal))) return;
    try {
      await fn();
    } catch (err) {
      this.log(`perturbation failed: ${(err as Error).message}`);
      this.errors.push((err as Error).message);
    }
  }

  /** The primary and its view as the first running node that answers sees them. */
  private async primary(): Promise<{ node: number; view: number }> {
    for (const i of this.c.up()) {
      const s = await this.c
        .client(i)
        .getStatus({ deadlineMs: 5_000 })
        .catch(() => undefined);
      if (s !== undefined) return { node: s.primary, view: s.view };
    }
    throw new Error('no running node told the primary');
  }

  /**
   * Faults on one node follow one another: a fault due while the node's previous one is still
   * being undone (a restart slow on a loaded machine) waits for it, so a node is never stopped
   * while it is still starting.
   */
  private async run(k: number, p: Perturbation, signal: AbortSignal): Promise<void> {
    if (p.kind === 'partition') return this.apply(k, p, signal, -1, undefined);
    const onPlatform = atPlatform(p);
    // "primary" is asked at the fault's time.
    const primary = p.node === 'primary' ? await this.primary() : undefined;
    const node = onPlatform ? 'platform' : (primary?.node ?? (p.node as number));
    const prev = this.busy.get(node);
    const mine = (async () => {
      if (prev !== undefined) {
        this.log(
          `perturb ${k}: waits for ${onPlatform ? 'the platform' : `node ${node}`}'s previous fault to be undone`,
        );
        await prev;
      }
      if (node === 'platform') await this.applyPlatform(k, p as PlatformPerturbation, signal);
      else await this.apply(k, p, signal, node, primary);
    })();
    this.busy.set(
      node,
      mine.catch(() => undefined),
    );
    await mine;
  }

  private async applyPlatform(k: number, p: PlatformPerturbation, signal: AbortSignal): Promise<void> {
    const platform = this.platform;
    if (platform === undefined) throw new Error(`perturb ${k}: the run has no platform`);
    const rec: PerturbRecord = { index: k, kind: p.kind, nodes: [], platform: true, startedAt: Date.now() };
    this.records.push(rec);
    this.log(`perturb ${k}: ${p.kind} the platform for ${p.durationMs} ms`);
    rec.crash = await applyToPlatform(platform, p, signal, this.log, () => this.armed.get(k)?.settle());
    rec.endedAt = Date.now();
    this.platformLastFault = rec.endedAt;
    this.log(`perturb ${k}: ${p.kind} the platform undone`);
  }

  private async apply(
    k: number,
    p: Perturbation,
    signal: AbortSignal,
    node: number,
    primary: { view: number } | undefined,
  ): Promise<void> {
    const c = this.c;
    const nodes = p.kind === 'partition' ? p.groups.flat() : [node];
    const rec: PerturbRecord = {
      index: k,
      kind: p.kind,
      nodes,
      startedAt: Date.now(),
      primaryView: primary?.view,
    };
    this.records.push(rec);
    const what =
      p.kind === 'partition'
        ? `partition ${p.groups.map((g) => g.join(',')).join(' | ')}`
        : `${p.kind} node ${node}`;
    this.log(`perturb ${k}: ${what} for ${p.durationMs} ms`);
    const hold = () => pause(p.durationMs, signal);
    switch (p.kind) {
      case 'kill':
      case 'restart':
        await c.stop(node, p.kind === 'restart');
        await hold();
        await c.start(node);
        break;
      case 'pause':
        c.pause(node);
        await hold();
        c.resume(node);
        break;
      case 'disconnect':
        await c.net.disconnect(node);
        await hold();
        await c.net.heal(node);
        break;
      case 'stall':
        await c.net.stall(node);
        await hold();
        await c.net.heal(node);
        break;
      case 'delay':
        await c.net.delay(node, p.delayMs, p.jitterMs);
        await hold();
        await c.net.heal(node);
        break;
      case 'disk-full': {
        c.mayExit.add(node);
        const filled = fillDisk(c.dataDir(node));
        this.log(`perturb ${k}: node ${node}'s data folder full after ${filled} MiB of filler`);
        await hold();
        rmSync(join(c.dataDir(node), FILLER), { force: true });
        // A node that stopped on the full disk is started again now that there is room.
        if (c.state[node] === 'down') {
          this.log(`perturb ${k}: node ${node} stopped on the full disk; starting it again`);
          await c.start(node);
        }
        c.mayExit.delete(node);
        break;
      }
      case 'crash-point':
        try {
          rec.crash = await this.crashPoint(k, p, node);
        } finally {
          this.armed.get(k)?.settle();
        }
        await hold();
        await c.start(node);
        break;
      case 'partition': {
        await c.net.partition(p.groups);
        if (partitionHasQuorum(p.groups, c.n) || p.durationMs <= SETTLE_MS) {
          await hold();
        } else {
          await pause(SETTLE_MS, signal);
          const settledHeight = await maxHeight(c, c.up());
          await pause(p.durationMs - SETTLE_MS, signal);
          rec.stalled = { settledHeight, healHeight: await maxHeight(c, c.up()) };
        }
        await c.net.heal();
        break;
      }
    }
    rec.endedAt = Date.now();
    for (const i of nodes) this.lastFault[i] = rec.endedAt;
    this.log(`perturb ${k}: ${what} undone`);
  }

  /**
   * Restarts the node with the crash point armed and waits for it to die there; a node that never
   * reaches the point within waitMs is stopped, and the perturbation fails.
   */
  private async crashPoint(
    k: number,
    p: Extract<Perturbation, { kind: 'crash-point' }>,
    node: number,
  ): Promise<NonNullable<PerturbRecord['crash']>> {
    const c = this.c;
    const logPath = c.layout.nodes[node]!.logPath;
    const marker = `"event":"testkit.failpoint","name":"${p.point}"`;
    const before = countIn(logPath, marker);
    await c.stop(node, true);
    c.mayExit.add(node);
    try {
      await c.start(node, {
        [FAILPOINT_ENV]: `${p.point}:${p.hit}`,
        ...(p.segmentBytes === undefined ? {} : { [SEGMENT_BYTES_ENV]: String(p.segmentBytes) }),
      });
      this.log(`perturb ${k}: node ${node} runs armed to die at ${p.point} (pass ${p.hit})`);
      const how = await c.exited(node, p.waitMs);
      if (how === 'timeout') {
        await c.stop(node);
        await c.start(node);
        throw new Error(`perturb ${k}: node ${node} did not reach ${p.point} within ${p.waitMs} ms`);
      }
      const logged = countIn(logPath, marker) > before;
      this.log(`perturb ${k}: node ${node} died at ${p.point} (${how}${logged ? '' : ', NOT logged there'})`);
      if (!logged) throw new Error(`perturb ${k}: node ${node} ended (${how}) but not at ${p.point}`);
      return { point: p.point, how, logged };
    } finally {
      c.mayExit.delete(node);
    }
  }
}

function countIn(path: string, needle: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 0;
  }
  return text.split(needle).length - 1;
}
