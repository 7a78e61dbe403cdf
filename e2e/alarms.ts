// The alarms invariant: after a run, what each honest node's fault management says (GET /alarms
// and /alarms/history on its management port, docs/operations.md "Fault management"). Two sides:
//   - nothing unexplained is still active: an alarm about a Byzantine peer, or a view-change storm
//     in a run that caused view changes on purpose (its window outlasts the run), is explained;
//     anything else (a divergence, a stalled chain, a peer still unreachable, an expiring key)
//     must have cleared once the cluster is back at one tip;
//   - what should have been raised was: a node that stored equivocation evidence against a peer
//     raised the `equivocation` alarm for that peer, and every honest node raised
//     `snapshot-divergence` for each node whose snapshots diverge on purpose (the test kit's
//     `divergent-snapshot` mode); either may have cleared since: history counts.
// The checks are pure (unit-tested); `readAlarms` and `settleAlarms` are the I/O.
import { pause } from '../api/retry.js';

/** The fields of an alarm (node/mgmt/alarms/types.ts) the checks read. */
export interface AlarmSeen {
  id: string;
  rule: string;
  state: string;
  location: { peer?: number };
  cause: string;
}

export interface NodeAlarms {
  node: number;
  /** Raised or acknowledged now. */
  active: AlarmSeen[];
  /** Cleared ones kept by the node. */
  history: AlarmSeen[];
}

export interface AlarmExpectations {
  /** Byzantine nodes of the manifest: alarms about them are explained. */
  byzantine: ReadonlySet<number>;
  /** Per honest node, the peers it recorded equivocation evidence against (its log). */
  evidence: ReadonlyMap<number, ReadonlySet<number>>;
  /** Nodes that write divergent snapshots on purpose: every honest node must say so. */
  divergentSnapshots: ReadonlySet<number>;
  /** The run replaced primaries on purpose (a fault or a Byzantine node): a storm is explained. */
  viewChangesCaused: boolean;
}

/** Rules an alarm about a Byzantine peer may stay active under: what its lies provoke. */
const ABOUT_BYZANTINE = new Set(['equivocation', 'peer-unreachable']);

/** Active alarms on one honest node that nothing in the manifest explains. */
export function unexplainedActive(n: NodeAlarms, e: AlarmExpectations): AlarmSeen[] {
  return n.active.filter((a) => {
    const peer = a.location.peer;
    if (peer !== undefined && peer >= 0 && e.byzantine.has(peer) && ABOUT_BYZANTINE.has(a.rule)) return false;
    if (a.rule === 'snapshot-divergence' && peer !== undefined && e.divergentSnapshots.has(peer))
      return false;
    if (a.rule === 'view-change-storm' && e.viewChangesCaused) return false;
    return true;
  });
}

/** The peers a node should have raised `rule` about and did not (active or cleared). */
function missing(n: NodeAlarms, rule: string, peers: ReadonlySet<number>): number[] {
  const raised = [...n.active, ...n.history].filter((a) => a.rule === rule);
  return [...peers].filter((x) => !raised.some((a) => a.location.peer === x));
}

/** Failures, one line each, over the honest nodes' alarms. */
export function checkAlarms(nodes: readonly NodeAlarms[], e: AlarmExpectations): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    for (const a of unexplainedActive(n, e))
      out.push(`alarm: node ${n.node} still has ${a.id} active (${a.state}): ${a.cause}`);
    for (const x of missing(n, 'equivocation', e.evidence.get(n.node) ?? new Set()))
      out.push(`alarm: node ${n.node} recorded evidence against node ${x} but raised no equivocation alarm`);
    for (const x of missing(n, 'snapshot-divergence', e.divergentSnapshots))
      out.push(
        `alarm: node ${n.node} raised no snapshot-divergence alarm about node ${x}, whose snapshots diverge`,
      );
  }
  return out;
}

/** Node i's active alarms and history over its management port (loopback, plain HTTP). */
export async function readAlarms(node: number, mgmtPort: number, timeoutMs = 10_000): Promise<NodeAlarms> {
  const get = async (path: string): Promise<AlarmSeen[]> => {
    const res = await fetch(`http://127.0.0.1:${mgmtPort}${path}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`GET ${path} on node ${node}: HTTP ${res.status}`);
    const body = (await res.json()) as { alarms?: AlarmSeen[] };
    return body.alarms ?? [];
  };
  return { node, active: await get('/alarms'), history: await get('/alarms/history') };
}

/** Polls every `nodes` node until `checkAlarms` finds nothing or `boundMs` has passed; the last reading and its failures. */
export async function settleAlarms(
  nodes: readonly { node: number; mgmtPort: number }[],
  e: AlarmExpectations,
  boundMs: number,
): Promise<{ seen: NodeAlarms[]; failures: string[] }> {
  const until = Date.now() + boundMs;
  for (;;) {
    let seen: NodeAlarms[];
    let failures: string[];
    try {
      seen = await Promise.all(nodes.map((x) => readAlarms(x.node, x.mgmtPort)));
      failures = checkAlarms(seen, e);
    } catch (err) {
      seen = [];
      failures = [`alarm: ${(err as Error).message}`];
    }
    // An alarm clears only after its condition has been gone a while (the node's clearMs).
    if (failures.length === 0 || Date.now() >= until) return { seen, failures };
    await pause(1_000);
  }
}
