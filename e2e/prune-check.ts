// The pruning stage of the check (manifest `retain`): once the chain is idle the pruners finish
// their last runs (the earliest heights stop moving), every honest node must have pruned (earliest
// height above 1), and each node's archive must verify from the genesis and cover every height
// below its earliest. The archives are then handed to the chain read and the trace check.
import { pause } from '../api/retry.js';
import type { E2ECluster } from './cluster.js';
import type { NodeArchive } from './invariants.js';
import type { Manifest } from './manifest.js';
import { readArchive } from './pruned.js';

/** How long the earliest heights may keep moving after the chain went idle (ms). */
const SETTLE_MS = 60_000;

/** Why node i's pruning and archive fail the run (empty: they pass). Pure. */
export function judgeNodePruning(
  i: number,
  earliest: number,
  archive: { top: number; error?: string } | undefined,
): string[] {
  const out: string[] = [];
  if (earliest <= 1) out.push(`node ${i}: earliest height ${earliest}: nothing was pruned`);
  if (archive === undefined) return out;
  if (archive.error !== undefined) out.push(`node ${i}: ${archive.error}`);
  else if (archive.top < earliest - 1)
    out.push(`node ${i}: pruned below ${earliest} but its archive ends at ${archive.top}`);
  return out;
}

async function earliestHeights(c: E2ECluster, nodes: readonly number[]): Promise<number[]> {
  return Promise.all(
    nodes.map((i) =>
      c
        .client(i)
        .getStatus({ deadlineMs: 5_000 })
        .then((s) => s.earliestHeight)
        .catch(() => -1),
    ),
  );
}

export async function checkPruning(
  c: E2ECluster,
  m: Manifest,
  honest: readonly number[],
  report: { earliest?: number[]; failures: string[] },
  log: (line: string) => void,
): Promise<Map<number, NodeArchive>> {
  const out = new Map<number, NodeArchive>();
  if (m.retain === undefined) return out;
  // Two samples a pruner interval apart that agree: no run moved any node's earliest height.
  const deadline = Date.now() + SETTLE_MS;
  let last = await earliestHeights(c, honest);
  for (;;) {
    await pause(m.retain.intervalMs + 500);
    const now = await earliestHeights(c, honest);
    const same = now.every((h, k) => h === last[k]);
    last = now;
    if (same || Date.now() > deadline) break;
  }
  report.earliest = Array.from({ length: c.n }, (_, i) => {
    const k = honest.indexOf(i);
    return k < 0 ? -1 : last[k]!;
  });
  log(`earliest block body per node: ${report.earliest.join(', ')}`);
  // The genesis validator set: what `bkdms archive verify --genesis` trusts.
  const anchor = {
    chainId: c.chainId,
    validators: c.layout.nodes.map((x) => Buffer.from(x.publicKey, 'hex')),
  };
  for (const [k, i] of honest.entries()) {
    const dir = c.archives[i];
    const read = dir === undefined ? undefined : await readArchive(dir, anchor);
    const top = read === undefined ? 0 : Math.max(0, ...read.blocks.keys());
    if (read !== undefined)
      log(`node ${i}: archive verified from the genesis up to ${top}${read.error ? ` (${read.error})` : ''}`);
    const bad = judgeNodePruning(
      i,
      last[k]!,
      read === undefined ? undefined : { top, ...(read.error === undefined ? {} : { error: read.error }) },
    );
    report.failures.push(...bad);
    if (dir !== undefined && read !== undefined && read.error === undefined) out.set(i, { dir, read });
  }
  return out;
}
