// The node config's `alarms` section: evaluation period, hold times, thresholds, history size and
// the optional webhook. Every field has a default, so `alarms` may be left out of the file.
import { z } from 'zod';
import { RULES, type RuleId } from './types.js';

const ms = (max: number) => z.number().int().min(0).max(max);
const DAY = 86_400_000;

/** How long a condition must hold before its alarm is raised (a flap shorter than this never pages). */
export const defaultHoldMs: Record<RuleId, number> = {
  'peer-unreachable': 30_000,
  'quorum-at-risk': 30_000,
  'quorum-lost': 15_000,
  'height-stalled': 60_000,
  'validator-not-voting': 60_000,
  'view-change-storm': 0,
  equivocation: 0,
  'block-hash-divergence': 0,
  'state-root-divergence': 0,
  'snapshot-divergence': 0,
  lagging: 60_000,
  'disk-free-low': 60_000,
  'memory-growth': 0,
  'clock-skew': 60_000,
  'tls-cert-expiry': 0,
  'scp-key-expiry': 0,
  'node-restarted': 0,
  'membership-changed': 0,
  // A client's state changes only with a committed block: no flapping to hold out.
  'xchain-client-frozen': 0,
  'xchain-client-expired': 0,
  'xchain-client-expiring': 0,
};

export const thresholdsSchema = z.strictObject({
  /** Blocks behind the highest peer before `lagging`. */
  lagBlocks: z.number().int().min(1).default(10),
  /** Window of the height-stalled, validator-not-voting and view-change-storm rules. */
  windowMs: ms(3_600_000).default(60_000),
  /** View changes within windowMs that make a storm. */
  viewChanges: z.number().int().min(1).default(3),
  /** Disk free below this fraction of the data folder's file system... */
  diskFreeRatio: z.number().min(0).max(1).default(0.1),
  /** ...or below these bytes. */
  diskFreeBytes: z
    .number()
    .int()
    .min(0)
    .default(1024 ** 3),
  /** Resident memory growth within memoryWindowMs. */
  memoryGrowthBytes: z
    .number()
    .int()
    .min(1)
    .default(512 * 1024 ** 2),
  memoryWindowMs: ms(86_400_000).default(3_600_000),
  /** |proposer's block time - our clock at commit| beyond this. */
  clockSkewMs: z.number().int().min(1).default(5_000),
  /** Warn this long before the RPC TLS certificate or the SCP key expires. */
  expiryWarnMs: z
    .number()
    .int()
    .min(0)
    .default(14 * DAY),
  /** How long an equivocation stays a condition after the evidence was recorded. */
  evidenceMs: z.number().int().min(0).default(DAY),
  /** How long a supervisor's restart notice stays a condition. */
  restartNoticeMs: z
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  /** How long a committed membership change (validator, admin, site) stays a notice. */
  memberNoticeMs: z
    .number()
    .int()
    .min(0)
    .default(60 * 60_000),
});
export type AlarmThresholds = z.infer<typeof thresholdsSchema>;

export const alarmsConfigSchema = z.strictObject({
  /** Period of the evaluation timer. */
  evaluateMs: z.number().int().min(50).max(600_000).default(5_000),
  /** Hold time per rule (ms), merged over defaultHoldMs. */
  holdMs: z.partialRecord(z.enum(RULES), ms(86_400_000)).default({}),
  /** How long a condition must stay away before its alarm clears. */
  clearMs: ms(3_600_000).default(10_000),
  thresholds: thresholdsSchema.default(thresholdsSchema.parse({})),
  /** Cleared alarms kept (persisted) for GET /alarms/history. */
  historySize: z.number().int().min(1).max(10_000).default(500),
  /** Alertmanager-format webhook: POST on raise and clear. */
  webhook: z
    .strictObject({
      url: z.url(),
      timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
      maxQueue: z.number().int().min(1).max(10_000).default(256),
      maxAttempts: z.number().int().min(1).max(100).default(8),
    })
    .optional(),
});
export type AlarmsConfig = z.infer<typeof alarmsConfigSchema>;

export const defaultAlarmsConfig = (): AlarmsConfig => alarmsConfigSchema.parse({});

export function holdOf(c: Pick<AlarmsConfig, 'holdMs'>, rule: RuleId): number {
  return c.holdMs[rule] ?? defaultHoldMs[rule];
}
