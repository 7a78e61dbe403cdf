// The alarm model of the fault management plane (M.rmbs fault management): what one alarm says
// (rule, subject, severity, location, cause, analysis, runbook, what the node does about it) and
// its lifecycle raised -> acknowledged -> cleared. Plain data, JSON as it is: persisted as is,
// served as is on GET /alarms and over gRPC.

export type Severity = 'critical' | 'major' | 'minor' | 'warning';
export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'warning'];

/** Every rule the engine evaluates; the names are the Prometheus alert names' source too. */
export const RULES = [
  'peer-unreachable',
  'quorum-at-risk',
  'quorum-lost',
  'height-stalled',
  'validator-not-voting',
  'view-change-storm',
  'equivocation',
  'block-hash-divergence',
  'state-root-divergence',
  'snapshot-divergence',
  'lagging',
  'disk-free-low',
  'memory-growth',
  'clock-skew',
  'tls-cert-expiry',
  'scp-key-expiry',
  'node-restarted',
  'membership-changed',
  'xchain-client-frozen',
  'xchain-client-expired',
  'xchain-client-expiring',
] as const;
export type RuleId = (typeof RULES)[number];

export interface AlarmLocation {
  /** Index of the node that raised the alarm. */
  node: number;
  /** Index of the validator the alarm is about, when it is about another one. */
  peer?: number;
  /** The part of the node: p2p, consensus, store, host, tls, ledger. */
  component: string;
  /** This node's height when the alarm was raised. */
  height: number;
}

/** A condition a rule found in one snapshot; the engine turns it into an alarm after its hold. */
export interface Condition {
  rule: RuleId;
  /** What the alarm is about within the rule ("peer-2", "node"); with the rule, the alarm's ID. */
  subject: string;
  severity: Severity;
  location: Omit<AlarmLocation, 'node' | 'height'>;
  cause: string;
  analysis: string;
  /** What the node is doing about it by itself (redial, state transfer), if anything. */
  recovery?: string;
}

export type AlarmState = 'raised' | 'acknowledged' | 'cleared';

export interface Alarm {
  /** `rule:subject`: stable across evaluations and restarts. */
  id: string;
  rule: RuleId;
  severity: Severity;
  location: AlarmLocation;
  cause: string;
  analysis: string;
  recovery?: string;
  /** docs/operations.md section that says what to check and what to do. */
  runbook: string;
  state: AlarmState;
  /** UTC ms. */
  raisedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  clearedAt?: number;
  /** Last time the condition was seen (cause and analysis are refreshed with it). */
  updatedAt: number;
}

export const alarmId = (rule: RuleId, subject: string): string => `${rule}:${subject}`;

export const runbookOf = (rule: RuleId): string => `docs/operations.md#alarm-${rule}`;
