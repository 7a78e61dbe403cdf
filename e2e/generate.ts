// Random manifests, deterministic per seed: the same seed and count give the same files. Only
// valid combinations: faults follow one another with a gap (a killed node gets time to start
// again), so never more than f nodes are out at once, which every manifest is checked for.
import { Rng } from '../testkit/sim/rng.js';
import {
  faultsTolerated,
  type Manifest,
  maxFaultyAtOnce,
  type Perturbation,
  parseManifest,
} from './manifest.js';

export interface GenerateOptions {
  seed: number;
  count: number;
  /** Load duration of each manifest (ms). */
  durationMs?: number;
  /** Validator counts to draw from (each 3f + 1). */
  validators?: readonly number[];
}

const KINDS = ['kill', 'pause', 'restart', 'disconnect', 'stall', 'delay', 'partition'] as const;
/** Quiet time after a fault before the next one (ms): a restarted node is ready again by then. */
const GAP_MS = 12_000;

export function generateManifests(o: GenerateOptions): Manifest[] {
  const out: Manifest[] = [];
  for (let k = 0; k < o.count; k++) out.push(generateOne(new Rng((o.seed * 7919 + k) >>> 0), o, k));
  return out;
}

function generateOne(rng: Rng, o: GenerateOptions, k: number): Manifest {
  const n = rng.pick(o.validators ?? [4]);
  const durationMs = o.durationMs ?? 30_000;
  const lateStart: Manifest['lateStart'] = [];
  let t = rng.int(1_000, 4_000);
  if (rng.chance(0.25)) {
    const atMs = rng.int(2_000, Math.max(2_000, Math.floor(durationMs / 3)));
    lateStart.push({ node: rng.int(0, n - 1), atMs });
    t = atMs + GAP_MS;
  }
  const perturbations: Perturbation[] = [];
  while (t < durationMs - 2_000) {
    const kind = rng.pick(KINDS);
    const durationMs2 = rng.int(1_000, 8_000);
    const node = rng.chance(0.2) ? 'primary' : rng.int(0, n - 1);
    perturbations.push(perturbation(rng, kind, t, durationMs2, node, n));
    t += durationMs2 + (kind === 'kill' || kind === 'restart' ? GAP_MS : rng.int(3_000, 8_000));
  }
  const m = parseManifest(
    {
      name: `gen-${o.seed}-${k}`,
      validators: n,
      sites: rng.int(1, 4),
      load: { rate: rng.int(5, 40), durationMs, batch: rng.pick([1, 5, 10, 20]) },
      lateStart,
      perturbations,
    },
    `generated manifest ${k}`,
  );
  const most = maxFaultyAtOnce(m);
  if (most > faultsTolerated(m)) throw new Error(`generator bug: ${most} nodes out at once in ${m.name}`);
  return m;
}

function perturbation(
  rng: Rng,
  kind: (typeof KINDS)[number],
  atMs: number,
  durationMs: number,
  node: number | 'primary',
  n: number,
): Perturbation {
  switch (kind) {
    case 'partition': {
      // One node cut off from a majority that still holds a quorum.
      const alone = node === 'primary' ? 0 : node;
      const rest = Array.from({ length: n }, (_, i) => i).filter((i) => i !== alone);
      return { kind, atMs, durationMs, groups: [rest, [alone]] };
    }
    case 'delay':
      return { kind, atMs, durationMs, node, delayMs: rng.int(10, 300), jitterMs: rng.int(0, 200) };
    default:
      return { kind, atMs, durationMs, node };
  }
}
