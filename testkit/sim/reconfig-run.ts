// One randomized run of a validator-set change under faults (docs/consensus.md §7):
// a set grows (4 -> 7), shrinks (7 -> 4) or swaps one member, decided by governance in block g
// and in force from H = g + L + x; each node learns it when it applies g, as the real driver
// does. Crashes (within the f of both sets), restarts, bounces, drops, duplicates, delays and
// partitions run while the chain crosses H; then the network heals and every live member of the
// new set must commit past H and past where the chain stood. Invariants are checked after every
// event (cluster.ts). Used by test/sim/reconfig*.test.ts and `bench/sim.ts --reconfig`.
import { Cluster } from './cluster.js';
import { chaos, RANDOM_K, RANDOM_L, type RunOptions, type RunResult, randomSettings } from './random-run.js';
import { Rng } from './rng.js';

type Change = { kind: 'grow' | 'shrink' | 'swap'; n: number; observers: number; ids: number[] };

function pickChange(rng: Rng): Change {
  const roll = rng.int(0, 2);
  if (roll === 0) return { kind: 'grow', n: 4, observers: 3, ids: [0, 1, 2, 3, 4, 5, 6] };
  if (roll === 1) {
    const ids = [0, 1, 2, 3, 4, 5, 6];
    while (ids.length > 4) ids.splice(rng.int(0, ids.length - 1), 1);
    return { kind: 'shrink', n: 7, observers: 0, ids };
  }
  const out = rng.int(0, 3);
  return { kind: 'swap', n: 4, observers: 1, ids: [0, 1, 2, 3].filter((i) => i !== out).concat(4) };
}

export function reconfigRun(seed: number, opts: RunOptions = {}): RunResult {
  const rng = new Rng(seed ^ 0x7ec0f160);
  const change = pickChange(rng);
  const c = new Cluster({ n: change.n, seed, observers: change.observers, ...randomSettings(rng) });
  const decidedAt = rng.int(1, 6);
  const activation = decidedAt + RANDOM_L + rng.int(0, RANDOM_K);
  c.scheduleValidators(activation, change.ids, decidedAt);
  const fault = `${change.kind}(${change.ids.join(',')})@${activation}`;
  const chaosTicks = opts.chaosTicks ?? 240;
  const members = () => c.nodes.filter((x) => change.ids.includes(x.addr) && x.alive);
  const result = (ok: boolean, error?: string): RunResult => ({
    seed,
    ok,
    error,
    n: change.n,
    fault,
    height: Math.max(0, ...c.nodes.map((x) => x.height)),
    ticks: c.ticks,
    messages: c.messages,
    chaosTicks,
  });
  try {
    // Both sets must keep a quorum of live members: at most min(f_old, f_new) down at once.
    const budget = Math.min(Math.floor((change.n - 1) / 3), Math.floor((change.ids.length - 1) / 3));
    chaos(c, rng, c.nodes.length, budget, chaosTicks);
    c.heal();
    for (const node of c.nodes) c.restart(node.addr);
    const goal = Math.max(activation, ...members().map((x) => x.height));
    const max = opts.livenessTicks ?? 3000;
    // Steady envelopes: the chain must make several blocks to get past H.
    for (let t = 0; t < max; t += 10) {
      if (members().every((x) => x.height > goal)) return result(true);
      c.request(2);
      c.run(10);
    }
    return result(false, `liveness: the new set did not pass height ${goal} after heal [${c.summary()}]`);
  } catch (e) {
    return result(false, `${(e as Error).message} [${c.summary()}]`);
  }
}
