// Reads a node's Prometheus text (GET /metrics on its management port) for the figures the load
// harness reports per node: view changes, block height and what proposals by reference cost. Samples with labels are summed per name.

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

/** Sums the samples of `name` whose label `label` is `value`. */
export function sumLabelled(text: string, name: string, label: string, value: string): number {
  let sum = 0;
  const want = `${label}="${value}"`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /^[^{]+\{([^}]*)\}\s+(\S+)/.exec(line);
    if (m === null || !m[1]!.split(',').includes(want)) continue;
    const v = Number(m[2]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

export interface NodeCounters {
  viewChanges: number;
  height: number;
  /** Proposals by reference (docs/consensus.md §2.1): envelopes fetched from the primary. */
  bodiesFetched: number;
  /** Envelopes a rebuild took from gossip still waiting for admission. */
  bodiesFromBacklog: number;
  /** BODIES-REQUEST exchanges sent, and those that passed their deadline. */
  bodyExchanges: number;
  bodyTimeouts: number;
  /** Time proposals waited for fetched bodies, summed (s). */
  bodyWaitSeconds: number;
  /** PROPOSALs dropped: their envelopes could not be had. */
  proposalsDropped: number;
}

/** The node's counters, or undefined if its management port does not answer in time. */
export async function scrapeNode(mgmt: string, timeoutMs = 3000): Promise<NodeCounters | undefined> {
  try {
    const res = await fetch(`http://${mgmt}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const m = parseMetrics(text);
    return {
      viewChanges: m.get('bkdms_view_changes_total') ?? 0,
      height: m.get('bkdms_block_height') ?? 0,
      bodiesFetched: sumLabelled(text, 'bkdms_proposal_bodies_envelopes_total', 'source', 'fetched'),
      bodiesFromBacklog: sumLabelled(text, 'bkdms_proposal_bodies_envelopes_total', 'source', 'backlog'),
      bodyExchanges: m.get('bkdms_proposal_bodies_exchanges_total') ?? 0,
      bodyTimeouts: sumLabelled(text, 'bkdms_proposal_bodies_exchange_failures_total', 'reason', 'timeout'),
      bodyWaitSeconds: m.get('bkdms_proposal_bodies_wait_seconds_total') ?? 0,
      proposalsDropped: sumLabelled(text, 'bkdms_proposals_by_reference_total', 'outcome', 'dropped'),
    };
  } catch {
    return undefined;
  }
}
