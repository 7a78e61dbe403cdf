// The invariants checked after every run, over RPC on every node: all nodes reach one tip within
// the catch-up bound after their last fault; every height holds the same block hash and state
// root on every node, each block verified against the genesis trust anchor; each node's chain is
// read whole for the set checker; every envelope the load saw committed traces, with a verifying
// proof bundle, on every node. On nodes that prune, what a node answers PRUNED for is read and
// traced from its archive, verified from the genesis (e2e/pruned.ts).
import { pause } from '../api/retry.js';
import { toHex } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';
import type { FinalRead } from './checker.js';
import type { E2ECluster } from './cluster.js';
import { type ArchiveRead, archiveSegmentAt, checkArchivedTrace, judgePruned } from './pruned.js';

export interface TipResult {
  tip: number;
  converged: boolean;
  /** Per node: ms from its last fault (or the check's start) until it held the tip; -1 never. */
  caughtUpMs: number[];
  heights: number[];
}

/**
 * Polls every node until all report one height (the chain idles once the load is drained) or
 * `deadline` passes; then tells, per node, when it first held that height.
 */
export async function waitForOneTip(
  c: E2ECluster,
  lastFault: readonly number[],
  deadline: number,
  ignore: ReadonlySet<number> = new Set(),
): Promise<TipResult> {
  const samples: { t: number; heights: number[] }[] = [];
  const nodes = Array.from({ length: c.n }, (_, i) => i);
  // Byzantine nodes are asked too (for the report) but need not agree.
  const held = (hs: number[]) => hs.filter((_, i) => !ignore.has(i));
  for (;;) {
    const heights = await Promise.all(
      nodes.map((i) =>
        c
          .client(i)
          .getStatus({ deadlineMs: 5_000 })
          .then((s) => s.height)
          .catch(() => -1),
      ),
    );
    samples.push({ t: Date.now(), heights });
    const ours = held(heights);
    const converged = ours.every((h) => h === ours[0] && h > 0);
    // Two equal samples in a row: not a moment when all merely passed the same height.
    const prev = samples[samples.length - 2]?.heights;
    const stable = converged && prev !== undefined && held(prev).every((h, i) => h === ours[i]);
    if (stable || Date.now() > deadline) {
      const tip = Math.max(...ours);
      const start = samples[0]!.t;
      const caughtUpMs = nodes.map((i) => {
        const first = samples.find((s) => s.heights[i]! >= tip);
        if (first === undefined) return -1;
        const from = lastFault[i]! > 0 ? lastFault[i]! : start;
        return Math.max(0, first.t - from);
      });
      return { tip, converged: stable, caughtUpMs, heights };
    }
    await pause(500);
  }
}

export interface ChainRead {
  read: FinalRead;
  /** Block hash and state root (hex) by height, index 0 = height 1. */
  blocks: { hash: string; stateRoot: string }[];
  /** The block time (ms, the proposer's clock) of each envelope's first block. */
  committedAt: Map<string, number>;
  errors: string[];
  /** Heights read from the node's archive after a PRUNED answer. */
  archived?: number;
}

/** Node i's archive (manifest `retain.archive`): its folder and what it held, verified from the genesis. */
export interface NodeArchive {
  dir: string;
  read: ArchiveRead;
}

/**
 * Reads node i's blocks 1..tip, each verified against the trust anchor (certificate, body, chain).
 * With its archive, a height the node answers PRUNED for (naming the archive segment) is read from
 * the archive instead; any other failure, or a PRUNED without an archive, is an error.
 */
export async function readChain(
  c: E2ECluster,
  i: number,
  tip: number,
  archive?: NodeArchive,
): Promise<ChainRead> {
  const trust = c.trust();
  const ids: string[] = [];
  const blocks: ChainRead['blocks'] = [];
  const errors: string[] = [];
  const committedAt = new Map<string, number>();
  let archived = 0;
  for (let h = 1; h <= tip; h++) {
    try {
      const v = await c.client(i).getBlockVerified(h, trust, { deadlineMs: 15_000 });
      blocks.push({ hash: toHex(v.blockHash), stateRoot: toHex(v.certified.block.header.stateRoot) });
      const time = v.certified.block.header.time;
      for (const env of v.certified.block.envelopes) {
        const id = toHex(tracingCode(env));
        ids.push(id);
        if (!committedAt.has(id)) committedAt.set(id, time);
      }
    } catch (err) {
      const kept = archive?.read.blocks.get(h);
      const bad =
        archive === undefined
          ? (err as Error).message
          : (judgePruned(err, h, archiveSegmentAt(archive.dir, h)) ??
            (kept === undefined ? 'PRUNED, and not in its verified archive' : undefined));
      if (bad === undefined && kept !== undefined) {
        blocks.push({ hash: kept.hash, stateRoot: kept.stateRoot });
        ids.push(...kept.ids);
        archived++;
        continue;
      }
      errors.push(`node ${i} height ${h}: ${bad}`);
      blocks.push({ hash: '?', stateRoot: '?' });
    }
  }
  return { read: { node: i, ids }, blocks, committedAt, errors, archived };
}

/**
 * Heights at which the nodes' block hashes or state roots differ (a fork), as messages. A chain in
 * `partial` (a Byzantine node's, which need not hold the tip) is compared only where it has blocks.
 */
export function compareChains(
  chains: readonly ChainRead[],
  partial: ReadonlySet<number> = new Set(),
): string[] {
  const out: string[] = [];
  const tip = Math.max(0, ...chains.map((c) => c.blocks.length));
  for (let k = 0; k < tip; k++) {
    const here = chains.filter((c) => !partial.has(c.read.node) || c.blocks[k] !== undefined);
    const hashes = new Set(here.map((c) => c.blocks[k]?.hash ?? 'missing'));
    const roots = new Set(here.map((c) => c.blocks[k]?.stateRoot ?? 'missing'));
    if (hashes.size > 1)
      out.push(`height ${k + 1}: block hashes differ across nodes (${[...hashes].join(', ')})`);
    if (roots.size > 1)
      out.push(`height ${k + 1}: state roots differ across nodes (${[...roots].join(', ')})`);
  }
  return out;
}

/** Traces each id on node i with a proof bundle verified against the genesis; messages for failures. */
export async function traceAll(
  c: E2ECluster,
  i: number,
  ids: readonly string[],
  parallel = 8,
  archive?: NodeArchive,
  stats?: { n: number },
): Promise<string[]> {
  const trust = c.trust();
  const errors: string[] = [];
  let next = 0;
  const archivedTraces = stats ?? { n: 0 };
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        const t = await c.client(i).traceVerified(Buffer.from(id, 'hex'), trust, { deadlineMs: 15_000 });
        if (toHex(t.tracingCode) !== id)
          errors.push(`node ${i}: trace of ${id} proved ${toHex(t.tracingCode)}`);
      } catch (err) {
        // Pruned here: acceptable only as a PRUNED naming the segment, with the archive's bundle verified.
        const bad =
          archive === undefined
            ? (err as Error).message
            : await checkArchivedTrace(err, id, archive.dir, archive.read, trust);
        if (bad !== undefined) errors.push(`node ${i}: trace of ${id}: ${bad}`);
        else archivedTraces.n++;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return errors;
}
