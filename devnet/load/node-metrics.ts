// Reads a node's Prometheus text (GET /metrics on its management port) for the figures the load
// harness reports per node: view changes and block height. Samples with labels are summed per name.

/** Sums every sample of each metric name (labels ignored); comments and bad lines are skipped. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const v = Number(m[2]);
    if (Number.isFinite(v)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
  }
  return out;
}

export interface NodeCounters {
  viewChanges: number;
  height: number;
}

/** The node's counters, or undefined if its management port does not answer in time. */
export async function scrapeNode(mgmt: string, timeoutMs = 3000): Promise<NodeCounters | undefined> {
  try {
    const res = await fetch(`http://${mgmt}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const m = parseMetrics(await res.text());
    return {
      viewChanges: m.get('bkdms_view_changes_total') ?? 0,
      height: m.get('bkdms_block_height') ?? 0,
    };
  } catch {
    return undefined;
  }
}
