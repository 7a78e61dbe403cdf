// The rules: pure functions from the current snapshot (and one from a window ago) to the
// conditions present now. No clock, no I/O: the engine (engine.ts) owns time and hold times, the
// collector (collector.ts) owns the reading of the node. Each rule's runbook is a section of
// docs/operations.md named after it.
import type { AlarmThresholds } from './config.js';
import type { Snapshot } from './signals.js';
import type { Condition } from './types.js';
import { xchainClients } from './xchain-rules.js';

export interface RuleInput {
  now: Snapshot;
  /** The oldest snapshot within thresholds.windowMs (undefined until the window is covered). */
  windowAgo?: Snapshot;
  /** Smallest resident size seen within thresholds.memoryWindowMs (undefined until covered). */
  minRssInWindow?: number;
  t: AlarmThresholds;
}

type Rule = (i: RuleInput) => Condition[];

const faultsTolerated = (n: number): number => Math.floor((n - 1) / 3);
const mib = (b: number): string => `${Math.round(b / 1024 ** 2)} MiB`;
/** A span for an expiry: days, or hours (then minutes) once under a day, never "0.0 days". */
export function span(ms: number): string {
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} days`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} hours`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

const peerUnreachable: Rule = ({ now }) =>
  now.validators
    .filter((v) => v.index !== now.self && !v.connected)
    .map((v) => ({
      rule: 'peer-unreachable',
      subject: `peer-${v.index}`,
      severity: 'major',
      location: { peer: v.index, component: 'p2p' },
      cause: `validator ${v.index} is not connected`,
      analysis: `no libp2p connection to validator ${v.index}; its votes and gossip do not reach this node`,
      recovery: `re-dialing validator ${v.index} (each failed ping or closed connection is re-dialed)`,
    }));

/** Validators this node cannot count on: itself when it is not running as one is not counted. */
const quorum: Rule = ({ now }) => {
  const n = now.validators.length;
  if (n === 0) return [];
  const f = faultsTolerated(n);
  const missing = now.validators.filter((v) => v.index !== now.self && !v.connected).length;
  const analysis = `${missing} of ${n} validators unreachable: the chain tolerates ${f} (f=${f}); commits stop at ${f + 1}`;
  const location = { component: 'consensus' };
  const recovery = 're-dialing the unreachable validators';
  if (missing > f)
    return [
      {
        rule: 'quorum-lost',
        subject: 'chain',
        severity: 'critical',
        location,
        cause: `${missing} validators unreachable, more than f=${f}: no quorum of ${n - f}`,
        analysis,
        recovery,
      },
    ];
  if (missing > f - 1 && missing > 0)
    return [
      {
        rule: 'quorum-at-risk',
        subject: 'chain',
        severity: 'major',
        location,
        cause: `${missing} validators unreachable: one more fault stops commits`,
        analysis,
        recovery,
      },
    ];
  return [];
};

const heightStalled: Rule = ({ now, windowAgo, t }) => {
  if (windowAgo === undefined || now.height > windowAgo.height) return [];
  if (now.pending === 0 || windowAgo.pending === 0) return [];
  return [
    {
      rule: 'height-stalled',
      subject: 'chain',
      severity: 'critical',
      location: { component: 'consensus' },
      cause: `height ${now.height} has not advanced for ${t.windowMs / 1000} s with ${now.pending} envelopes pending`,
      analysis: now.inViewChange
        ? 'this node is in a view change: the primary is suspected and a new one is being chosen'
        : 'no block committed although there is work: check quorum, the primary and the view',
      recovery: now.inViewChange ? 'view change in progress' : undefined,
    },
  ];
};

const notVoting: Rule = ({ now, windowAgo }) => {
  if (windowAgo === undefined || now.self < 0 || now.catchingUp) return [];
  if (now.height <= windowAgo.height || now.votesSent > windowAgo.votesSent) return [];
  return [
    {
      rule: 'validator-not-voting',
      subject: 'self',
      severity: 'major',
      location: { component: 'consensus' },
      cause: `the chain advanced ${now.height - windowAgo.height} blocks without a vote from this validator`,
      analysis: 'blocks commit with the others\u2019 votes only; one more fault elsewhere stops the chain',
    },
  ];
};

const viewChangeStorm: Rule = ({ now, windowAgo, t }) => {
  if (windowAgo === undefined) return [];
  const changes = now.viewChanges - windowAgo.viewChanges;
  if (changes < t.viewChanges) return [];
  return [
    {
      rule: 'view-change-storm',
      subject: 'chain',
      severity: 'major',
      location: { component: 'consensus' },
      cause: `${changes} view changes within ${t.windowMs / 1000} s (threshold ${t.viewChanges})`,
      analysis:
        'primaries keep being replaced: a flapping or slow primary, a partition, or timeouts too short',
    },
  ];
};

const equivocation: Rule = ({ now, t }) => {
  const recent = new Map<number, number>();
  for (const e of now.evidence)
    if (now.now - e.at <= t.evidenceMs) recent.set(e.offender, (recent.get(e.offender) ?? 0) + 1);
  return [...recent].map(([offender, count]) => ({
    rule: 'equivocation',
    subject: `peer-${offender}`,
    severity: 'critical',
    location: { peer: offender, component: 'consensus' },
    cause: `validator ${offender} signed two different messages for one slot (${count} pieces of evidence)`,
    analysis:
      'a Byzantine or doubly-run validator key; the evidence is stored in this node\u2019s evidence log',
  }));
};

const divergence: Rule = ({ now }) =>
  now.validators.flatMap((v): Condition[] => {
    const ours = now.hashes[v.height];
    if (v.index === now.self || v.hash === undefined || ours === undefined || ours === v.hash) return [];
    return [
      {
        rule: 'block-hash-divergence',
        subject: `peer-${v.index}`,
        severity: 'critical',
        location: { peer: v.index, component: 'ledger' },
        cause: `validator ${v.index} announced block ${v.hash.slice(0, 16)}\u2026 at height ${v.height}, ours is ${ours.slice(0, 16)}\u2026`,
        analysis:
          'two nodes hold different blocks (and so state roots) at one height: a fork or a corrupted store',
      },
    ];
  });

const stateRootDivergence: Rule = ({ now }) => {
  const m = now.stateRootMismatch;
  if (m === undefined) return [];
  return [
    {
      rule: 'state-root-divergence',
      subject: 'self',
      severity: 'critical',
      location: { component: 'ledger' },
      cause: `this node's state through height ${m.height - 1} has root ${m.ours.slice(0, 16)}\u2026; block ${m.height}, certified by the validators, says ${m.chain.slice(0, 16)}\u2026`,
      analysis:
        'this node\u2019s contract state differs from the one the validators agreed on (a corrupted store or a non-deterministic contract): its state answers are wrong and it refuses every proposal',
    },
  ];
};

const snapshotDivergence: Rule = ({ now }) =>
  (now.snapshotDivergence ?? []).map(
    (d): Condition => ({
      rule: 'snapshot-divergence',
      subject: `peer-${d.peer}`,
      severity: 'critical',
      location: { peer: d.peer, component: 'ledger' },
      cause: `validator ${d.peer} snapshot at height ${d.height} is ${d.theirs.slice(0, 16)}\u2026, ours is ${d.ours.slice(0, 16)}\u2026`,
      analysis:
        'two nodes hold different contract state (or a damaged snapshot file) at one height: compare `bkdms snapshot show` on both',
    }),
  );

const lagging: Rule = ({ now, t }) => {
  const top = Math.max(-1, ...now.validators.filter((v) => v.index !== now.self).map((v) => v.height));
  if (top - now.height <= t.lagBlocks) return [];
  return [
    {
      rule: 'lagging',
      subject: 'self',
      severity: 'minor',
      location: { component: 'consensus' },
      cause: `${top - now.height} blocks behind the highest peer (${top}), threshold ${t.lagBlocks}`,
      analysis: 'this node commits behind the others: slow disk or CPU, or catching up after a restart',
      recovery: now.catchingUp ? 'state transfer in progress' : 'waiting for state transfer',
    },
  ];
};

const diskFree: Rule = ({ now, t }) => {
  const d = now.disk;
  if (d === undefined || d.total === 0) return [];
  if (d.free / d.total >= t.diskFreeRatio && d.free >= t.diskFreeBytes) return [];
  const critical = d.free < t.diskFreeBytes / 2 && d.free / d.total < t.diskFreeRatio / 2;
  return [
    {
      rule: 'disk-free-low',
      subject: 'data',
      severity: critical ? 'critical' : 'major',
      location: { component: 'store' },
      cause: `${mib(d.free)} free of ${mib(d.total)} on the data folder's file system`,
      analysis: 'a full disk stops commits (the block log and LevelDB cannot write)',
    },
  ];
};

const memoryGrowth: Rule = ({ now, minRssInWindow, t }) => {
  if (minRssInWindow === undefined || now.rssBytes - minRssInWindow < t.memoryGrowthBytes) return [];
  return [
    {
      rule: 'memory-growth',
      subject: 'process',
      severity: 'warning',
      location: { component: 'host' },
      cause: `resident memory grew ${mib(now.rssBytes - minRssInWindow)} within ${t.memoryWindowMs / 60_000} min (now ${mib(now.rssBytes)})`,
      analysis: 'a backlog (mempool, queues) or a leak; compare bkdms_mempool_bytes and the heap metrics',
    },
  ];
};

const clockSkew: Rule = ({ now, t }) =>
  now.validators.flatMap((v): Condition[] =>
    v.skewMs === undefined || Math.abs(v.skewMs) <= t.clockSkewMs
      ? []
      : [
          {
            rule: 'clock-skew',
            subject: `peer-${v.index}`,
            severity: 'minor',
            location: { peer: v.index, component: 'host' },
            cause: `validator ${v.index}'s block time is ${v.skewMs} ms off this node's clock (bound ${t.clockSkewMs} ms)`,
            analysis:
              'block times come from the proposer\u2019s clock; one of the two clocks is not synchronized (NTP)',
          },
        ],
  );

function expiry(rule: 'tls-cert-expiry' | 'scp-key-expiry', what: string, notAfter: number | undefined) {
  return ({ now, t }: RuleInput): Condition[] => {
    if (notAfter === undefined || notAfter - now.now > t.expiryWarnMs) return [];
    const left = notAfter - now.now;
    return [
      {
        rule,
        subject: rule === 'tls-cert-expiry' ? 'rpc' : 'scp',
        severity: left <= 0 ? 'critical' : left <= t.expiryWarnMs / 4 ? 'major' : 'warning',
        location: { component: rule === 'tls-cert-expiry' ? 'tls' : 'ledger' },
        cause:
          left <= 0
            ? `${what} expired ${span(-left)} ago`
            : `${what} expires in ${span(left)} (${new Date(notAfter).toISOString()})`,
        analysis:
          rule === 'tls-cert-expiry'
            ? 'clients refuse an expired certificate: uploads and queries stop'
            : 'sites seal only for an SCP key in force: uploads stop once it expires without a successor',
      },
    ];
  };
}

const restarted: Rule = ({ now, t }) => {
  const r = now.restarts;
  if (r === undefined || now.now - r.at > t.restartNoticeMs) return [];
  return [
    {
      rule: 'node-restarted',
      subject: 'process',
      severity: 'warning',
      location: { component: 'host' },
      cause: `the supervisor restarted this node (restart ${r.count}): ${r.reason}`,
      analysis: 'the node process ended without being asked to; its log before the restart says why',
      recovery: 'restarted by the supervisor; catching up by state transfer',
    },
  ];
};

/**
 * A notice, not a fault: the set of parties that run or feed the chain changed. Operators of the
 * other organisations learn it from their own node, each change its own alarm until it ages out.
 */
const membershipChanged: Rule = ({ now, t }) =>
  (now.memberChanges ?? [])
    .filter((c) => now.now - c.at <= t.memberNoticeMs)
    .map((c) => ({
      rule: 'membership-changed',
      subject: `${c.kind}-${c.op}-${c.id.slice(0, 16)}-h${c.height}`,
      severity: 'warning',
      location: { component: 'ledger' },
      cause: `${c.kind} ${c.id.slice(0, 16)}… ${c.op} at height ${c.height} (proposal ${c.proposal})`,
      analysis:
        'a governance proposal changed who runs or feeds the chain; check it was expected (bkdms chain members, bkdms gov show)',
    }));

/** Every rule, evaluated in this order. */
export function evaluateRules(i: RuleInput): Condition[] {
  const { now } = i;
  return [
    peerUnreachable,
    quorum,
    heightStalled,
    notVoting,
    viewChangeStorm,
    equivocation,
    divergence,
    stateRootDivergence,
    snapshotDivergence,
    lagging,
    diskFree,
    memoryGrowth,
    clockSkew,
    expiry('tls-cert-expiry', 'the RPC TLS certificate', now.tlsNotAfter),
    expiry('scp-key-expiry', 'the last SCP key in force', now.scpKeyNotAfter),
    restarted,
    membershipChanged,
    xchainClients,
  ].flatMap((r) => r(i));
}
