// An end-to-end manifest: the cluster (validators, synthetic sites, chain parameters, network
// timings), the load, the nodes that start late and the timed perturbations. JSON, validated with
// zod: an unknown field is an error, and every node index and time is checked against the rest.
// docs/reliability.md documents every field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FAILPOINTS, PLATFORM_FAILPOINTS } from '../runtime/failpoints.js';
import { BYZANTINE_MODES } from '../testkit/byzantine.js';
import { E2EError, E2EErrorCode } from './errors.js';

const ms = z
  .number()
  .int()
  .min(0)
  .max(24 * 3600_000);

/** The crash points a manifest can arm: the node's commit path and the platform's block write. */
export const CRASH_POINTS = [...FAILPOINTS, ...PLATFORM_FAILPOINTS] as const;

/** The platform process as the target of a perturbation (manifests with `platform`). */
export const PLATFORM = 'platform';

const nodeFault = z.strictObject({
  /** Time after the load started (ms). */
  atMs: ms,
  /**
   * A node index; "primary": the primary of the moment, asked of a running node; "platform": the
   * platform process (its links to the nodes for disconnect, stall and delay).
   */
  node: z.union([z.number().int().min(0), z.literal('primary'), z.literal(PLATFORM)]),
  /** How long the fault lasts before it is undone (ms); 0: undone at once. */
  durationMs: ms.default(0),
});

export const perturbationSchema = z.discriminatedUnion('kind', [
  /** SIGKILL, then started again after durationMs. */
  nodeFault.extend({ kind: z.literal('kill') }),
  /** SIGSTOP for durationMs, then SIGCONT. */
  nodeFault.extend({ kind: z.literal('pause') }),
  /** SIGTERM (a clean stop), started again after durationMs. */
  nodeFault.extend({ kind: z.literal('restart') }),
  /** Every link into and out of the node cut (connections closed, new ones reset). */
  nodeFault.extend({ kind: z.literal('disconnect') }),
  /** Every link of the node stalled: connections accepted and held, nothing answered (a tarpit). */
  nodeFault.extend({ kind: z.literal('stall') }),
  /** Every chunk on the node's links delayed by delayMs plus up to jitterMs. */
  nodeFault.extend({
    kind: z.literal('delay'),
    delayMs: z.number().int().min(0).max(10_000),
    jitterMs: z.number().int().min(0).max(10_000).default(0),
  }),
  /**
   * The node's data folder (a size-capped tmpfs mounted at setup: needs root) filled up to the
   * last byte for durationMs, then freed; a node that stopped on the full disk is started again.
   */
  nodeFault.extend({
    kind: z.literal('disk-full'),
    node: z.number().int().min(0),
    sizeMb: z.number().int().min(16).max(4096).default(64),
  }),
  /**
   * The node (or the platform, with a platform point) stopped cleanly and started again (test kit)
   * with the failpoint `point` armed: it kills itself there on the `hit`-th pass (at most waitMs
   * after its start); durationMs after that it is started again unarmed and must recover its
   * store and catch up.
   */
  nodeFault.extend({
    kind: z.literal('crash-point'),
    node: z.union([z.number().int().min(0), z.literal(PLATFORM)]),
    point: z.enum(CRASH_POINTS),
    hit: z.number().int().min(1).max(10_000).default(1),
    waitMs: ms.default(60_000),
    /** Block log segment size of the armed start (small, so that a segment roll comes soon). */
    segmentBytes: z.number().int().min(4096).optional(),
  }),
  /** Links between the groups cut for durationMs; a node in no group is cut from all. */
  z.strictObject({
    kind: z.literal('partition'),
    atMs: ms,
    durationMs: ms,
    groups: z.array(z.array(z.number().int().min(0)).min(1)).min(2),
  }),
]);

export type Perturbation = z.infer<typeof perturbationSchema>;

export const manifestSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, . _ - (≤ 64)'),
    /** Number of validators (n = 3f + 1 tolerates f faulty). */
    validators: z.number().int().min(1).max(16).default(4),
    /** Synthetic sampling sites registered in genesis; the load signs as them. */
    sites: z.number().int().min(1).max(64).default(2),
    /** Chain parameters written into genesis (fast defaults for tests). */
    chain: z
      .strictObject({
        periodMs: z.number().int().min(10).max(60_000).default(200),
        viewTimeoutMs: z.number().int().min(100).max(600_000).default(1500),
        maxBlockEnvelopes: z.number().int().min(1).max(100_000).default(2000),
        /** Blocks between two state snapshots (the node's default, 1000, when left out). */
        snapshotInterval: z.number().int().min(1).max(1_000_000).optional(),
      })
      .default({ periodMs: 200, viewTimeoutMs: 1500, maxBlockEnvelopes: 2000 }),
    /** Node network timings: short so that faults are noticed within seconds. */
    network: z
      .strictObject({
        dialTimeoutMs: z.number().int().min(100).max(600_000).default(2000),
        pingIntervalMs: z.number().int().min(100).max(600_000).default(1000),
      })
      .default({ dialTimeoutMs: 2000, pingIntervalMs: 1000 }),
    /** Consensus tick of every node (ms). */
    tickMs: z.number().int().min(5).max(1000).default(20),
    load: z
      .strictObject({
        /** Envelopes per second, all sites together. */
        rate: z.number().min(0.1).max(10_000).default(20),
        durationMs: ms.default(20_000),
        /** Envelopes per upload call. */
        batch: z.number().int().min(1).max(1000).default(10),
      })
      .default({ rate: 20, durationMs: 20_000, batch: 10 }),
    /** Nodes started this long after the others (they catch up by state transfer). */
    lateStart: z.array(z.strictObject({ node: z.number().int().min(0), atMs: ms })).default([]),
    perturbations: z.array(perturbationSchema).default([]),
    /**
     * Byzantine validators (test kit, `node start --testkit`): each runs the whole run with its
     * outbound consensus messages rewritten as `modes` say (docs/operations.md). At most f.
     */
    byzantine: z
      .array(
        z.strictObject({ node: z.number().int().min(0), modes: z.array(z.enum(BYZANTINE_MODES)).min(1) }),
      )
      .default([]),
    /**
     * Body retention on every validator (node config `retain`): keep the last `blocks` bodies,
     * pruned every `intervalMs`; with `archive` each node archives a segment into
     * `node-<i>/archive` before deleting it (`retain.archiveDir`). `segmentBytes` is the block log's
     * segment size (test kit), small so that segments seal, and so prune, within a short run; a
     * block must fit one segment (else the node stops with OVERSIZED): keep maxBlockEnvelopes small.
     * Absent: every body kept.
     */
    retain: z
      .strictObject({
        blocks: z.number().int().min(1).max(1_000_000),
        intervalMs: z.number().int().min(1000).max(600_000).default(2000),
        archive: z.boolean().default(true),
        segmentBytes: z
          .number()
          .int()
          .min(4096)
          .max(64 * 1024 ** 2)
          .default(32 * 1024),
      })
      .optional(),
    /** How long each node may take to reach the tip after its last fault ends (ms). */
    catchUpMs: ms.default(60_000),
    /**
     * Honest latency bound: every committed envelope's block time is at most this long after the
     * envelope was made (ms), per site; absent: not checked.
     */
    latencyBoundMs: ms.optional(),
    /** Memory bound: each honest node's resident set at the end is at most this many MiB; absent: not checked. */
    memoryBoundMb: z.number().int().min(16).optional(),
    /**
     * The smart city platform (`bkdms platform run`) following the cluster from the start, with
     * the run's SCP key; checked at the end: every committed upload extracted exactly once, at
     * the chain's place, and opened. Absent: no platform.
     */
    platform: z
      .strictObject({
        /**
         * How long the platform may take to store the tip after its last fault, and still take
         * once the other checks are done (ms).
         */
        catchUpMs: ms.default(60_000),
        /** Its database: embedded PGlite, or a throw-away PostgreSQL server the run starts. */
        store: z.enum(['pglite', 'server']).default('pglite'),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', message });
    const inRange = (i: number, what: string) => {
      if (i >= m.validators) bad(`${what}: node ${i} is not one of the ${m.validators} validators`);
    };
    for (const l of m.lateStart) inRange(l.node, 'lateStart');
    m.perturbations.forEach((p, k) => {
      if (p.kind === 'partition') {
        const seen = new Set<number>();
        for (const i of p.groups.flat()) {
          inRange(i, `perturbations[${k}]`);
          if (seen.has(i)) bad(`perturbations[${k}]: node ${i} is in two groups`);
          seen.add(i);
        }
      } else if (p.node === PLATFORM) {
        if (m.platform === undefined)
          bad(`perturbations[${k}]: names the platform, but there is no platform`);
      } else if (p.node !== 'primary') inRange(p.node, `perturbations[${k}]`);
      if (p.kind === 'crash-point') {
        const platformPoint = (PLATFORM_FAILPOINTS as readonly string[]).includes(p.point);
        if (platformPoint !== (p.node === PLATFORM))
          bad(
            `perturbations[${k}]: ${p.point} is ${platformPoint ? "the platform's" : "a node's"} crash point, aimed at ${p.node === PLATFORM ? 'the platform' : 'a node'}`,
          );
      }
      if (p.atMs + p.durationMs > m.load.durationMs + m.catchUpMs)
        bad(`perturbations[${k}] ends after the load and the catch-up bound`);
    });
    const byz = new Set<number>();
    for (const b of m.byzantine) {
      inRange(b.node, 'byzantine');
      if (byz.has(b.node)) bad(`byzantine: node ${b.node} twice`);
      byz.add(b.node);
    }
    if (byz.size > faultsTolerated(m))
      bad(`byzantine: ${byz.size} Byzantine nodes of ${m.validators}; at most f = ${faultsTolerated(m)}`);
    const late = new Set<number>();
    for (const l of m.lateStart) {
      if (late.has(l.node)) bad(`lateStart: node ${l.node} twice`);
      late.add(l.node);
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;

/** Parses a manifest; an E2EError BAD_MANIFEST lists every problem with its path. */
export function parseManifest(value: unknown, source = 'manifest'): Manifest {
  const r = manifestSchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`);
  throw new E2EError(E2EErrorCode.BadManifest, `${source} is not a valid e2e manifest:\n${lines.join('\n')}`);
}

export function readManifest(path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new E2EError(E2EErrorCode.BadManifest, `${path}: ${(err as Error).message}`);
  }
  return parseManifest(json, path);
}

/** The nodes whose data folder is a size-capped tmpfs (a disk-full fault aims at them), with its size. */
export function diskFullNodes(m: Manifest): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of m.perturbations)
    if (p.kind === 'disk-full') out.set(p.node, Math.max(out.get(p.node) ?? 0, p.sizeMb));
  return out;
}

/** f of the manifest's validator set: ⌊(n − 1) / 3⌋. */
export const faultsTolerated = (m: Pick<Manifest, 'validators'>): number =>
  Math.floor((m.validators - 1) / 3);

/** The nodes a perturbation takes out of the quorum: for a partition, all but its largest group. */
export function faultyNodes(p: Perturbation, n: number): number[] {
  // "primary" is one node, which may be any: -1 stands for it (counted apart, conservatively).
  // The platform is no validator: its faults take none out.
  if (p.kind !== 'partition') return p.node === PLATFORM ? [] : [p.node === 'primary' ? -1 : p.node];
  const largest = p.groups.reduce((a, g) => (g.length > a.length ? g : a), [] as number[]);
  return Array.from({ length: n }, (_, i) => i).filter((i) => !largest.includes(i));
}

/** Whether some group of the partition holds a quorum (2f + 1 of n): if none does, nothing commits. */
export function partitionHasQuorum(groups: readonly (readonly number[])[], n: number): boolean {
  const quorum = n - Math.floor((n - 1) / 3);
  return groups.some((g) => g.length >= quorum);
}

/**
 * The most nodes out at any one time (perturbations and nodes not yet started), so that the
 * generator can keep it at f or below.
 */
export function maxFaultyAtOnce(m: Manifest): number {
  const spans: { from: number; to: number; nodes: number[] }[] = m.perturbations.map((p) => ({
    from: p.atMs,
    // A killed or restarted node is out until it is ready again: a margin for its start.
    to:
      p.atMs +
      p.durationMs +
      (p.kind === 'kill' || p.kind === 'restart' || p.kind === 'disk-full' ? 10_000 : 0) +
      (p.kind === 'crash-point' ? p.waitMs + 10_000 : 0),
    nodes: faultyNodes(p, m.validators),
  }));
  for (const l of m.lateStart) spans.push({ from: -Infinity, to: l.atMs + 10_000, nodes: [l.node] });
  for (const b of m.byzantine) spans.push({ from: -Infinity, to: Infinity, nodes: [b.node] });
  let most = 0;
  for (const s of spans) {
    const out = new Set<number>();
    for (const t of spans)
      if (t.from <= s.from && s.from < Math.max(t.to, t.from + 1)) for (const i of t.nodes) out.add(i);
    most = Math.max(most, out.size);
  }
  return most;
}

/** Whether the perturbation is aimed at the platform process. */
export const atPlatform = (p: Perturbation): boolean => p.kind !== 'partition' && p.node === PLATFORM;

/** The Byzantine nodes of the manifest: the invariants of liveness and of the set hold for the others. */
export const byzantineNodes = (m: Pick<Manifest, 'byzantine'>): Set<number> =>
  new Set(m.byzantine.map((b) => b.node));

/** The archive folder of a node, relative to its config file (so `node-<i>/archive`). */
export const ARCHIVE_FOLDER = 'archive';

/** The `retain` section of every node's config for the manifest's `retain`; undefined without one. */
export function nodeRetain(
  m: Pick<Manifest, 'retain'>,
): { blocks: number; intervalMs: number; archiveDir?: string } | undefined {
  if (m.retain === undefined) return undefined;
  return {
    blocks: m.retain.blocks,
    intervalMs: m.retain.intervalMs,
    ...(m.retain.archive ? { archiveDir: ARCHIVE_FOLDER } : {}),
  };
}
