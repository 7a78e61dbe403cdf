// Pure helpers of the consensus page's view history, free of the DOM so unit tests run them: each
// node's view over its recent samples (the sparkline), the blocks' views kept across snapshots,
// and the list of view changes seen by each node and by the committed blocks.

/** A node's view at a time, as its samples carry it (absent when the console had no fresh status). */
export interface ViewPoint {
  time: number;
  view?: number;
  primary?: number;
}

/** What a committed block says of its view. */
export interface BlockViewPoint {
  height: number;
  time: number;
  view: number;
  proposer: number;
}

export interface ViewChange {
  /** The node whose status moved, or 'chain' for a move between consecutive committed blocks. */
  source: string;
  /** When it was first seen: the sample's or the block's time, ms. */
  time: number;
  /** The first block committed in the new view (chain moves only). */
  height?: number;
  from: number;
  to: number;
  /** The new view's primary: the node's status says it; for the chain, the block's proposer. */
  primary?: number;
  /** The view went down: a running replica never lowers its view, so the node restarted (or, for
   * the chain, the blocks come from different histories). */
  lowered: boolean;
}

/** Blocks' views remembered per page: ten minutes at one block a second (page memory, bounded). */
export const BLOCK_VIEWS_KEPT = 600;

/** The node's samples that carry a view, in time order, one per time (the later one of a tie). */
function ordered(points: readonly ViewPoint[]): (ViewPoint & { view: number })[] {
  const byTime = new Map<number, ViewPoint & { view: number }>();
  for (const p of points) if (p.view !== undefined) byTime.set(p.time, p as ViewPoint & { view: number });
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** A node's views in time order (the sparkline's values). */
export function viewSeries(points: readonly ViewPoint[]): number[] {
  return ordered(points).map((p) => p.view);
}

/** Each move of one node's view between consecutive samples, oldest first. */
export function nodeViewChanges(node: string, points: readonly ViewPoint[]): ViewChange[] {
  const out: ViewChange[] = [];
  let prev: (ViewPoint & { view: number }) | undefined;
  for (const p of ordered(points)) {
    if (prev !== undefined && p.view !== prev.view) {
      out.push({
        source: node,
        time: p.time,
        from: prev.view,
        to: p.view,
        ...(p.primary === undefined ? {} : { primary: p.primary }),
        lowered: p.view < prev.view,
      });
    }
    prev = p;
  }
  return out;
}

/** Each move of the view between consecutive committed heights, oldest first. */
export function blockViewChanges(blocks: readonly BlockViewPoint[]): ViewChange[] {
  const byHeight = new Map(blocks.map((b) => [b.height, b]));
  const sorted = [...byHeight.values()].sort((a, b) => a.height - b.height);
  const out: ViewChange[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as BlockViewPoint;
    const b = sorted[i] as BlockViewPoint;
    // A gap in the heights hides where the view moved: only consecutive blocks say it.
    if (b.height !== prev.height + 1 || b.view === prev.view) continue;
    out.push({
      source: 'chain',
      time: b.time,
      height: b.height,
      from: prev.view,
      to: b.view,
      primary: b.proposer,
      lowered: b.view < prev.view,
    });
  }
  return out;
}

/** The view changes of every node and of the blocks, newest first, at most `max`. */
export function viewChanges(
  samples: ReadonlyMap<string, readonly ViewPoint[]>,
  blocks: readonly BlockViewPoint[],
  max = 20,
): ViewChange[] {
  const all = blockViewChanges(blocks);
  for (const [node, points] of samples) all.push(...nodeViewChanges(node, points));
  return all.sort((a, b) => b.time - a.time).slice(0, max);
}

/** Adds the blocks not yet remembered (snapshots repeat the newest ones); keeps the highest `max`. */
export function addBlockViews(
  kept: BlockViewPoint[],
  blocks: readonly BlockViewPoint[],
  max = BLOCK_VIEWS_KEPT,
): void {
  const have = new Set(kept.map((b) => b.height));
  for (const b of blocks) {
    if (have.has(b.height)) continue;
    have.add(b.height);
    kept.push({ height: b.height, time: b.time, view: b.view, proposer: b.proposer });
  }
  kept.sort((a, b) => a.height - b.height);
  if (kept.length > max) kept.splice(0, kept.length - max);
}
