// Carries out a manifest's timed perturbations and late starts on a running e2e cluster: each at
// its time after the load started, undone after its duration. Records what happened when, the
// time each node was last disturbed (the catch-up bound counts from it), and for a partition with
// no quorum side the heights just after it settled and just before it healed (nothing may commit).
import { pause } from '../api/retry.js';
import type { E2ECluster } from './cluster.js';
import { type Manifest, type Perturbation, partitionHasQuorum } from './manifest.js';

/** After a partition starts, blocks already certified may still land; then nothing may (ms). */
const SETTLE_MS = 2_000;

export interface PerturbRecord {
  index: number;
  kind: Perturbation['kind'] | 'late-start';
  nodes: number[];
  startedAt: number;
  endedAt?: number;
  /** For a partition with no quorum side: the highest tip after it settled and before it healed. */
  stalled?: { settledHeight: number; healHeight: number };
}

export type Log = (line: string) => void;

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
  private readonly running: Promise<void>[] = [];

  constructor(
    private readonly c: E2ECluster,
    private readonly m: Manifest,
    private readonly log: Log,
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
      this.running.push(this.at(t0 + p.atMs, signal, () => this.run(k, p, signal)));
    });
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

  private async run(k: number, p: Perturbation, signal: AbortSignal): Promise<void> {
    const c = this.c;
    const nodes = p.kind === 'partition' ? p.groups.flat() : [p.node];
    const rec: PerturbRecord = { index: k, kind: p.kind, nodes, startedAt: Date.now() };
    this.records.push(rec);
    const what =
      p.kind === 'partition'
        ? `partition ${p.groups.map((g) => g.join(',')).join(' | ')}`
        : `${p.kind} node ${p.node}`;
    this.log(`perturb ${k}: ${what} for ${p.durationMs} ms`);
    const hold = () => pause(p.durationMs, signal);
    switch (p.kind) {
      case 'kill':
      case 'restart':
        await c.stop(p.node, p.kind === 'restart');
        await hold();
        await c.start(p.node);
        break;
      case 'pause':
        c.pause(p.node);
        await hold();
        c.resume(p.node);
        break;
      case 'disconnect':
        c.net.disconnect(p.node);
        await hold();
        c.net.heal(p.node);
        break;
      case 'stall':
        c.net.stall(p.node);
        await hold();
        c.net.heal(p.node);
        break;
      case 'delay':
        c.net.delay(p.node, p.delayMs, p.jitterMs);
        await hold();
        c.net.heal(p.node);
        break;
      case 'partition': {
        c.net.partition(p.groups);
        if (partitionHasQuorum(p.groups, c.n) || p.durationMs <= SETTLE_MS) {
          await hold();
        } else {
          await pause(SETTLE_MS, signal);
          const settledHeight = await maxHeight(c, c.up());
          await pause(p.durationMs - SETTLE_MS, signal);
          rec.stalled = { settledHeight, healHeight: await maxHeight(c, c.up()) };
        }
        c.net.heal();
        break;
      }
    }
    rec.endedAt = Date.now();
    for (const i of nodes) this.lastFault[i] = rec.endedAt;
    this.log(`perturb ${k}: ${what} undone`);
  }
}
