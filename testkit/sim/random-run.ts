// One randomized simulator run from a seed: a random cluster (n = 4 or 7), random network
// faults, crashes and restarts within the fault budget f, immediate restarts of any honest
// replica (memory lost, state persisted), at most f Byzantine replicas (a
// behaviour or a Twin), steady envelopes; then everything heals and a new block must commit at
// every live honest replica within a bounded number of ticks. Invariants are checked after
// every event throughout (cluster.ts). Used by the CI tests (test/sim/random-*.test.ts) and
// bench/sim.ts.
import type { Behaviour } from './byzantine.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { Rng } from './rng.js';

export interface RunResult {
  seed: number;
  ok: boolean;
  error?: string;
  n: number;
  fault: string;
  height: number;
  ticks: number;
  messages: number;
  chaosTicks: number;
}

/** A kept failing case: a seed (default options) or a seed with its chaos length. */
export type Regression = number | { seed: number; chaosTicks: number };

export interface RunOptions {
  /** Ticks of the chaos phase. */
  chaosTicks?: number;
  /** Most ticks the healed cluster may take to commit a new block everywhere. */
  livenessTicks?: number;
  /** PRE-PREPAREs by reference (cluster.ts `byReference`). */
  byReference?: boolean;
}

const BEHAVIOURS: Behaviour[] = ['silent', 'equivocate', 'forge-view-change', 'omit-new-view'];

export function reproduceCommand(seed: number, chaosTicks = 240, reconfig = false): string {
  const chaos = chaosTicks === 240 ? '' : ` --chaos ${chaosTicks}`;
  const mode = reconfig ? ' --reconfig' : '';
  return `npm run build && node build/bench/sim.js${mode} --seed ${seed}${chaos}`;
}

/** K and L of the randomized runs: small, so that runs cross many checkpoints and windows. */
export const RANDOM_K = 4;
export const RANDOM_L = 8;

/** Short timers and a random period and network (lossy, duplicating, slow), drawn from `rng`. */
export function randomSettings(rng: Rng): Pick<ClusterOptions, 'params' | 'net'> {
  return {
    params: {
      checkpointInterval: RANDOM_K,
      windowSize: RANDOM_L,
      periodTicks: rng.int(2, 8),
      viewTimeoutTicks: 20,
      maxViewTimeoutTicks: 160,
      requestTimeoutTicks: 80,
      stateBatchBlocks: 4,
      statusIntervalTicks: 10,
      maxFutureMessages: 32,
    },
    net: { drop: rng.next() * 0.15, duplicate: rng.next() * 0.1, minDelay: 1, maxDelay: rng.int(5, 40) },
  };
}

export function randomRun(seed: number, opts: RunOptions = {}): RunResult {
  const rng = new Rng(seed ^ 0x5eed5eed);
  const n = rng.chance(0.2) ? 7 : 4;
  const f = Math.floor((n - 1) / 3);
  const faultKind = rng.int(0, 2); // 0: crashes only, 1: a Byzantine behaviour, 2: Twins
  const byz = faultKind === 0 ? -1 : rng.int(0, n - 1);
  const c = new Cluster({
    n,
    seed,
    twins: faultKind === 2 ? [byz] : [],
    byReference: opts.byReference ?? false,
    ...randomSettings(rng),
  });
  let fault = faultKind === 0 ? 'crashes' : faultKind === 2 ? `twins(${byz})` : '';
  if (faultKind === 1) {
    const b = rng.pick(BEHAVIOURS);
    c.nodes[byz]!.behaviour = b;
    fault = `${b}(${byz})`;
  }
  const crashBudget = f - (faultKind === 0 ? 0 : 1);
  const result = (ok: boolean, error?: string): RunResult => ({
    seed,
    ok,
    error,
    n,
    fault,
    height: Math.max(0, ...c.honest().map((x) => x.height)),
    ticks: c.ticks,
    messages: c.messages,
    chaosTicks: opts.chaosTicks ?? 240,
  });
  try {
    chaos(c, rng, n, crashBudget, opts.chaosTicks ?? 240);
    c.heal();
    for (const node of c.nodes) c.restart(node.addr);
    const live = () => c.honest().filter((x) => x.alive);
    const before = Math.max(...live().map((x) => x.height));
    c.request(3);
    const took = c.runUntil(() => live().every((x) => x.height > before), opts.livenessTicks ?? 2000);
    if (took < 0) return result(false, `liveness: no new block everywhere after heal [${c.summary()}]`);
    return result(true);
  } catch (e) {
    return result(false, `${(e as Error).message} [${c.summary()}]`);
  }
}

/**
 * The fault phase shared by the randomized runs: envelopes, crashes of addresses 0..n-1 within
 * the budget, restarts, partitions, message filters and bounces, until `ticks`.
 */
export function chaos(c: Cluster, rng: Rng, n: number, crashBudget: number, ticks: number): void {
  const down = new Set<number>();
  while (c.ticks < ticks) {
    const roll = rng.next();
    if (roll < 0.45) c.request(rng.int(1, 6));
    else if (roll < 0.55 && down.size < crashBudget) {
      const a = rng.int(0, n - 1);
      if (c.nodes[a]!.behaviour === null && c.nodes[a]!.honest) {
        c.crash(a);
        down.add(a);
      }
    } else if (roll < 0.65 && down.size > 0) {
      const a = [...down][0]!;
      c.restart(a);
      down.delete(a);
    } else if (roll < 0.72) {
      const addrs = c.nodes.map((x) => x.addr);
      const cut = rng.int(1, addrs.length - 1);
      c.partition = [addrs.slice(0, cut), addrs.slice(cut)];
    } else if (roll < 0.8) c.partition = null;
    else if (roll < 0.85) c.filters.push({ to: rng.int(0, n - 1), type: rng.int(1, 8) });
    else if (roll < 0.9) c.filters.length = 0;
    else if (roll < 0.95) {
      // Bounce: a crash and an immediate restart from the persisted state (any honest node,
      // outside the budget: it loses its memory, not its availability).
      const a = rng.int(0, n - 1);
      if (c.nodes[a]!.behaviour === null && c.nodes[a]!.honest && !down.has(a)) {
        c.crash(a);
        c.restart(a);
      }
    }
    c.run(rng.int(5, 30));
  }
}
