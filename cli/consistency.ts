// Consensus consistency across nodes (`bkdms cluster check`): the block hash and the state root
// each node holds at the same heights must agree. Bounded work: a few sampled heights plus the
// latest common one; when a sample disagrees, a binary search between the last agreeing sample and
// it finds the first divergent height (a hash-chained block, once different, stays different, so
// "agrees with the majority" is monotone in height). Nodes are compared against the majority answer.

/** What one node answers at a height: its block hash and the header's state root (hex). */
export interface HeightAnswer {
  hash: string;
  stateRoot: string;
}

export interface NodeProbe {
  name: string;
  height(): Promise<number>;
  at(height: number): Promise<HeightAnswer>;
}

export interface Disagreement {
  height: number;
  /** The majority's answer at that height; absent when no answer has a strict majority. */
  majority: HeightAnswer | null;
  /** Nodes whose answer differs from the majority's (all nodes without one). */
  nodes: { name: string; answer: HeightAnswer | null; error?: string }[];
}

export interface CheckReport {
  nodes: { name: string; height: number | null; error?: string }[];
  commonHeight: number;
  checked: number[];
  /** The first divergent height found, or null when every check agreed. */
  divergence: Disagreement | null;
}

export const DEFAULT_SAMPLES = 8;

const key = (a: HeightAnswer): string => `${a.hash}/${a.stateRoot}`;

/** Evenly spaced heights in [1, top], `n` of them at most, with top itself. */
export function sampleHeights(top: number, n: number): number[] {
  if (top < 1) return [];
  const out = new Set<number>();
  for (let i = 1; i <= n; i++) out.add(Math.max(1, Math.round((top * i) / (n + 1))));
  out.add(top);
  return [...out].sort((a, b) => a - b);
}

async function compareAt(probes: readonly NodeProbe[], height: number): Promise<Disagreement | null> {
  const answers = await Promise.all(
    probes.map(async (p) => {
      try {
        return { name: p.name, answer: await p.at(height) };
      } catch (err) {
        return { name: p.name, answer: null, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  const votes = new Map<string, number>();
  for (const a of answers) if (a.answer) votes.set(key(a.answer), (votes.get(key(a.answer)) ?? 0) + 1);
  let top: string | undefined;
  for (const [k, n] of votes) if (n * 2 > probes.length) top = k;
  const majority = answers.find((a) => a.answer && key(a.answer) === top)?.answer ?? null;
  const nodes = answers.filter((a) => a.answer === null || key(a.answer) !== top);
  return nodes.length === 0 ? null : { height, majority, nodes };
}

/** Compares the nodes at sampled heights and the latest common one; finds the first divergence. */
export async function checkConsistency(
  probes: readonly NodeProbe[],
  samples = DEFAULT_SAMPLES,
): Promise<CheckReport> {
  const heights = await Promise.all(
    probes.map(async (p) => {
      try {
        return { name: p.name, height: await p.height() };
      } catch (err) {
        return { name: p.name, height: null, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  const live = probes.filter((_, i) => heights[i]?.height !== null);
  const known = heights.flatMap((h) => (h.height === null ? [] : [h.height]));
  const commonHeight = known.length === 0 ? 0 : Math.min(...known);
  const checked: number[] = [];
  if (live.length < probes.length) {
    const down = heights.filter((h) => h.height === null);
    return {
      nodes: heights,
      commonHeight,
      checked,
      divergence: {
        height: 0,
        majority: null,
        nodes: down.map((d) => ({ name: d.name, answer: null, error: d.error })),
      },
    };
  }
  let lastGood = 0;
  for (const h of sampleHeights(commonHeight, samples)) {
    checked.push(h);
    const d = await compareAt(probes, h);
    if (d === null) {
      lastGood = h;
      continue;
    }
    // First divergence in (lastGood, h]: binary search, h is known bad.
    let lo = lastGood;
    let hi = h;
    let first = d;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      checked.push(mid);
      const m = await compareAt(probes, mid);
      if (m === null) lo = mid;
      else {
        hi = mid;
        first = m;
      }
    }
    return { nodes: heights, commonHeight, checked, divergence: first };
  }
  return { nodes: heights, commonHeight, checked, divergence: null };
}

export function formatReport(r: CheckReport): string {
  const lines = [
    ...r.nodes.map((n) => `${n.name}  height ${n.height ?? `unreachable: ${n.error}`}`),
    `common height ${r.commonHeight}; checked ${r.checked.length} heights`,
  ];
  if (r.divergence === null) lines.push('no divergence');
  else {
    const d = r.divergence;
    lines.push(`DIVERGENCE at height ${d.height}`);
    if (d.majority) lines.push(`  majority: block ${d.majority.hash} state root ${d.majority.stateRoot}`);
    for (const n of d.nodes)
      lines.push(
        `  ${n.name}: ${n.answer ? `block ${n.answer.hash} state root ${n.answer.stateRoot}` : `no answer${n.error ? ` (${n.error})` : ''}`}`,
      );
  }
  return lines.join('\n');
}
