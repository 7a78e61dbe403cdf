// The node's Prometheus metrics, in a registry of its own (several nodes may share a process in
// tests). Names carry their unit (_seconds, _bytes) or _total for counters. Label values come from
// closed sets (rejection reasons, RPC methods and outcomes), so the series count stays bounded.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { UploadStatus } from '../../api/types.js';
import { buildInfo } from './build-info.js';

export interface NodeMetrics {
  registry: Registry;
  /** bkdms_envelopes_admitted_total */
  envelopesAdmitted: Counter;
  /** bkdms_envelopes_rejected_total{reason} — reason is an ApiErrorCode / NodeErrorCode. */
  envelopesRejected: Counter<'reason'>;
  /** bkdms_block_height */
  blockHeight: Gauge;
  /** bkdms_commit_latency_seconds: envelope admitted -> its block committed. */
  commitLatency: Histogram;
  /** bkdms_view_changes_total, read from `sources.viewChanges` at each scrape. */
  viewChanges: Counter;
  /** bkdms_peers_connected */
  peersConnected: Gauge;
  /** bkdms_mempool_envelopes, read from `sources.mempool` at each scrape. */
  mempoolEnvelopes: Gauge;
  /** bkdms_mempool_bytes, likewise. */
  mempoolBytes: Gauge;
  /** bkdms_rpc_requests_total{method,outcome} — outcome is OK or the reason. */
  rpcRequests: Counter<'method' | 'outcome'>;
  /** bkdms_rpc_duration_seconds{method} */
  rpcDuration: Histogram<'method'>;
  /** bkdms_uncaught_errors_total{kind} — kind is rejection or exception (node/process-guard.ts). */
  uncaughtErrors: Counter<'kind'>;
  /** bkdms_governance_proposals_total{action,outcome} — outcome: proposed, executed, failed, expired. */
  governance: Counter<'action' | 'outcome'>;
  /** bkdms_membership_changes_total{kind,op} — kind: validator, admin, site (node/gov-audit.ts). */
  membershipChanges: Counter<'kind' | 'op'>;
}

export interface MetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC); on by default. */
  processMetrics?: boolean;
  /** Labels on every series, e.g. { node: '2' }. */
  labels?: Record<string, string>;
  /**
   * Figures other services keep, read when /metrics is scraped (so they are never stale and the
   * hot paths do not update gauges). Called lazily: they may refer to services built later.
   */
  sources?: MetricSources;
}

export interface MetricSources {
  /** View changes this replica has started (each new view it moved to), since it started. */
  viewChanges(): number;
  mempool(): { envelopes: number; bytes: number };
}

/** Observes the commit latency of envelopes that arrived at `arrivals` (ms) and committed `now`. */
export function observeCommitLatency(m: NodeMetrics, arrivals: readonly number[], now: number): void {
  for (const t of arrivals) m.commitLatency.observe((now - t) / 1000);
}

export function createNodeMetrics(opts: MetricsOptions = {}): NodeMetrics {
  const registry = new Registry();
  if (opts.labels) registry.setDefaultLabels(opts.labels);
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'bkdms_' });
  const registers = [registry];
  const sources = opts.sources;
  let reportedViewChanges = 0;
  const build = buildInfo();
  new Gauge({
    name: 'bkdms_build_info',
    help: 'Always 1; the labels say which build runs (package version, git commit, Node.js version)',
    labelNames: ['version', 'commit', 'node'] as const,
    registers,
  }).set({ version: build.version, commit: build.commit, node: build.node }, 1);
  const uncaughtErrors = new Counter({
    name: 'bkdms_uncaught_errors_total',
    help: 'Errors nothing caught (unhandled rejections, uncaught exceptions), by kind',
    labelNames: ['kind'] as const,
    registers,
  });
  // Both series from the start: a scrape shows 0 rather than nothing.
  for (const kind of ['rejection', 'exception']) uncaughtErrors.inc({ kind }, 0);
  return {
    registry,
    envelopesAdmitted: new Counter({
      name: 'bkdms_envelopes_admitted_total',
      help: 'Envelopes admitted to the mempool',
      registers,
    }),
    envelopesRejected: new Counter({
      name: 'bkdms_envelopes_rejected_total',
      help: 'Envelopes refused at admission, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    blockHeight: new Gauge({
      name: 'bkdms_block_height',
      help: 'Height of the last committed block',
      registers,
    }),
    commitLatency: new Histogram({
      name: 'bkdms_commit_latency_seconds',
      help: 'Time from admission of an envelope to the commit of its block',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    viewChanges: new Counter({
      name: 'bkdms_view_changes_total',
      help: 'PBFT view changes this replica started (each new view it moved to)',
      registers,
      collect() {
        // A counter only goes up: add what the replica counted since the last scrape.
        const total = sources?.viewChanges() ?? reportedViewChanges;
        if (total > reportedViewChanges) this.inc(total - reportedViewChanges);
        reportedViewChanges = Math.max(total, reportedViewChanges);
      },
    }),
    peersConnected: new Gauge({ name: 'bkdms_peers_connected', help: 'Connected libp2p peers', registers }),
    mempoolEnvelopes: new Gauge({
      name: 'bkdms_mempool_envelopes',
      help: 'Envelopes in the mempool',
      registers,
      collect() {
        const m = sources?.mempool();
        if (m !== undefined) this.set(m.envelopes);
      },
    }),
    mempoolBytes: new Gauge({
      name: 'bkdms_mempool_bytes',
      help: 'Bytes of envelopes in the mempool',
      registers,
      collect() {
        const m = sources?.mempool();
        if (m !== undefined) this.set(m.bytes);
      },
    }),
    rpcRequests: new Counter({
      name: 'bkdms_rpc_requests_total',
      help: 'Finished RPC calls, by method and outcome',
      labelNames: ['method', 'outcome'] as const,
      registers,
    }),
    rpcDuration: new Histogram({
      name: 'bkdms_rpc_duration_seconds',
      help: 'RPC call duration, by method',
      labelNames: ['method'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    uncaughtErrors,
    governance: new Counter({
      name: 'bkdms_governance_proposals_total',
      help: 'Governance proposals by action and outcome (proposed, executed, failed, expired), from committed blocks',
      labelNames: ['action', 'outcome'] as const,
      registers,
    }),
    membershipChanges: new Counter({
      name: 'bkdms_membership_changes_total',
      help: 'Membership changes executed by governance, by kind (validator, admin, site) and op',
      labelNames: ['kind', 'op'] as const,
      registers,
    }),
  };
}

/** The api server's onCall hook feeding the RPC metrics. */
export function rpcCallObserver(m: NodeMetrics): (method: string, outcome: string, seconds: number) => void {
  return (method, outcome, seconds) => {
    m.rpcRequests.inc({ method, outcome });
    m.rpcDuration.observe({ method }, seconds);
  };
}

/**
 * Admission's per-envelope count hook: new envelopes count as admitted, refusals by reason.
 * Idempotent re-sends (already pending or committed) count as neither: nothing new was admitted.
 */
export function admissionCounter(m: NodeMetrics): (status: UploadStatus, reason: string) => void {
  return (status, reason) => {
    if (status === UploadStatus.Accepted) m.envelopesAdmitted.inc();
    else if (status === UploadStatus.Rejected) m.envelopesRejected.inc({ reason });
  };
}

/**
 * bkdms_alarms_active{severity,rule}: active (raised or acknowledged) alarms, read from `active`
 * at each scrape. Series of rules with no active alarm are removed, not left at their last value.
 */
export function registerAlarmMetric(
  m: NodeMetrics,
  active: () => readonly { severity: string; rule: string }[],
): void {
  new Gauge({
    name: 'bkdms_alarms_active',
    help: 'Active alarms (raised or acknowledged), by severity and rule',
    labelNames: ['severity', 'rule'] as const,
    registers: [m.registry],
    collect() {
      this.reset();
      const counts = new Map<string, { severity: string; rule: string; n: number }>();
      for (const a of active()) {
        const k = `${a.severity}/${a.rule}`;
        const c = counts.get(k) ?? { severity: a.severity, rule: a.rule, n: 0 };
        c.n++;
        counts.set(k, c);
      }
      for (const c of counts.values()) this.set({ severity: c.severity, rule: c.rule }, c.n);
    },
  });
}

/**
 * Snapshots (node/snapshot/): bkdms_snapshot_info{height,hash} = 1 per snapshot kept, so hashes
 * at one height can be compared across nodes from the scrapes alone; the newest height; and the
 * peers whose snapshot hash differs from ours at a common height.
 */
export function registerSnapshotMetrics(
  m: NodeMetrics,
  s: {
    list: () => readonly { height: number; hash: Uint8Array }[];
    divergentPeers: () => number;
  },
): void {
  new Gauge({
    name: 'bkdms_snapshot_info',
    help: 'Snapshots kept by this node, by height and snapshot hash (value 1)',
    labelNames: ['height', 'hash'] as const,
    registers: [m.registry],
    collect() {
      this.reset();
      for (const x of s.list())
        this.set({ height: String(x.height), hash: Buffer.from(x.hash).toString('hex') }, 1);
    },
  });
  new Gauge({
    name: 'bkdms_snapshot_latest_height',
    help: 'Height of the newest snapshot kept (0 when none)',
    registers: [m.registry],
    collect() {
      this.set(s.list()[0]?.height ?? 0);
    },
  });
  new Gauge({
    name: 'bkdms_snapshot_divergent_peers',
    help: 'Peers whose snapshot hash differed from ours at a common height on the last comparison',
    registers: [m.registry],
    collect() {
      this.set(s.divergentPeers());
    },
  });
}

/** What node/proposal-bodies.ts counts (its BodyStats), as the metrics read it. */
export interface ProposalBodyCounts {
  whole: number;
  backlog: number;
  fetched: number;
  dropped: number;
  envelopesFetched: number;
  envelopesFromBacklog: number;
  exchanges: number;
  timeouts: number;
  failures: number;
  forged: number;
  waitMs: number;
  served: number;
  envelopesServed: number;
}

/**
 * Proposals by reference (docs/consensus.md §2.1), read from the driver's counters at each scrape:
 * how each received PROPOSAL was completed, the envelopes fetched, the BODIES-REQUEST exchanges and
 * how they failed, the time spent waiting for bodies, and what this node served as primary.
 */
export function registerProposalBodyMetrics(m: NodeMetrics, read: () => ProposalBodyCounts): void {
  const registers = [m.registry];
  const counter = (name: string, help: string, value: (c: ProposalBodyCounts) => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        // The source only goes up: the series is its total.
        this.reset();
        this.inc(value(read()));
      },
    });
  };
  const labelled = (
    name: string,
    help: string,
    label: string,
    values: Record<string, (c: ProposalBodyCounts) => number>,
  ): void => {
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        const c = read();
        for (const [k, v] of Object.entries(values)) this.inc({ [label]: k }, v(c));
      },
    });
  };
  labelled(
    'bkdms_proposals_by_reference_total',
    'PROPOSALs received, by how their block was completed: whole (mempool), backlog (envelopes waiting for admission), fetched (from the primary), dropped',
    'outcome',
    {
      whole: (c) => c.whole,
      backlog: (c) => c.backlog,
      fetched: (c) => c.fetched,
      dropped: (c) => c.dropped,
    },
  );
  labelled(
    'bkdms_proposal_bodies_envelopes_total',
    'Envelopes of received PROPOSALs this node lacked, by where they came from: fetched (from the primary), backlog (gossiped, waiting for admission)',
    'source',
    { fetched: (c) => c.envelopesFetched, backlog: (c) => c.envelopesFromBacklog },
  );
  counter(
    'bkdms_proposal_bodies_exchanges_total',
    'BODIES-REQUEST exchanges sent to a primary',
    (c) => c.exchanges,
  );
  labelled(
    'bkdms_proposal_bodies_exchange_failures_total',
    'BODIES-REQUEST exchanges that failed, by reason: timeout, error (refused, closed, not held), forged (envelopes the proposal does not name)',
    'reason',
    { timeout: (c) => c.timeouts, error: (c) => c.failures, forged: (c) => c.forged },
  );
  counter(
    'bkdms_proposal_bodies_wait_seconds_total',
    'Time received proposals spent waiting for fetched bodies, summed over proposals',
    (c) => c.waitMs / 1000,
  );
  counter(
    'bkdms_proposal_bodies_served_total',
    'BODIES-REQUESTs this node answered as primary',
    (c) => c.served,
  );
  counter(
    'bkdms_proposal_bodies_envelopes_served_total',
    'Envelopes this node sent in its BODIES-RESPONSEs',
    (c) => c.envelopesServed,
  );
}
