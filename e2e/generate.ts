// Random manifests, deterministic per seed: the same seed and count give the same files. Only
// valid combinations: faults follow one another with a gap (a killed node gets time to start
// again), so never more than f nodes are out at once, which every manifest is checked for. Some
// manifests add the platform following the cluster with faults of its own, on their own timeline
// (the platform is no validator: its faults overlap the nodes' freely), drawn from a second
// stream so that a seed's cluster and node faults are the same with or without it.
import { PLATFORM_FAILPOINTS } from '../runtime/failpoints.js';
import { Rng } from '../testkit/sim/rng.js';
import {
  faultsTolerated,
  type Manifest,
  maxFaultyAtOnce,
  type Perturbation,
  PLATFORM,
  parseManifest,
} from './manifest.js';

export interface GenerateOptions {
  seed: number;
  count: number;
  /** Load duration of each manifest (ms). */
  durationMs?: number;
  /** Validator counts to draw from (each 3f + 1). */
  validators?: readonly number[];
  /** Chance that a manifest has the platform, with faults of its own (default PLATFORM_CHANCE). */
  platformChance?: number;
}

export const PLATFORM_CHANCE = 0.3;
const PLATFORM_KINDS = ['kill', 'pause', 'restart', 'disconnect', 'stall', 'delay', 'crash-point'] as const;

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
  const sites = rng.int(1, 4);
  const load = { rate: rng.int(5, 40), durationMs, batch: rng.pick([1, 5, 10, 20]) };
  const withPlatform = platformPart(new Rng(((o.seed * 7919 + k) ^ 0x5bd1e995) >>> 0), o, durationMs);
  const m = parseManifest(
    {
      name: `gen-${o.seed}-${k}`,
      validators: n,
      sites,
      load,
      lateStart,
      perturbations: [...perturbations, ...(withPlatform?.perturbations ?? [])].sort(
        (a, b) => a.atMs - b.atMs,
      ),
      ...(withPlatform === undefined ? {} : { platform: withPlatform.platform }),
    },
    `generated manifest ${k}`,
  );
  const most = maxFaultyAtOnce(m);
  if (most > faultsTolerated(m)) throw new Error(`generator bug: ${most} nodes out at once in ${m.name}`);
  return m;
}

/** With the manifest's chance: the platform (its database back end) and its faults, one after another. */
function platformPart(
  rng: Rng,
  o: GenerateOptions,
  durationMs: number,
): { platform: NonNullable<Manifest['platform']>; perturbations: Perturbation[] } | undefined {
  if (!rng.chance(o.platformChance ?? PLATFORM_CHANCE)) return undefined;
  const platform = { catchUpMs: 90_000, store: rng.chance(0.25) ? ('server' as const) : ('pglite' as const) };
  const perturbations: Perturbation[] = [];
  let t = rng.int(2_000, 6_000);
  while (t < durationMs - 2_000) {
    const kind = rng.pick(PLATFORM_KINDS);
    const durationMs2 = rng.int(1_000, 8_000);
    const base = { atMs: t, node: PLATFORM, durationMs: durationMs2 } as const;
    if (kind === 'crash-point')
      perturbations.push({
        ...base,
        kind,
        point: rng.pick(PLATFORM_FAILPOINTS),
        hit: rng.int(1, 5),
        waitMs: 60_000,
      });
    else if (kind === 'delay')
      perturbations.push({ ...base, kind, delayMs: rng.int(10, 300), jitterMs: rng.int(0, 200) });
    else perturbations.push({ ...base, kind });
    // A killed or armed platform reopens its database before the next fault.
    t +=
      durationMs2 +
      (kind === 'kill' || kind === 'restart' || kind === 'crash-point' ? GAP_MS : rng.int(3_000, 8_000));
  }
  return { platform, perturbations };
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
