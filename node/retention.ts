// Retention: which block bodies a node keeps (docs/storage.md, "Retention and pruning").
// The retain height is the lowest height whose body must stay: the policy's (`retain.blocks`, keep
// the last N; `retain.age`, keep blocks younger than a duration; both: the more keeping of the
// two), lowered by every hold: an operator's (`bkdms prune hold set`, in <dataDir>/prune-holds.json)
// and the lowest block an open block subscription (the platform following the chain) has not read.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { NodeError, NodeErrorCode } from './errors.js';

export const HOLDS_FILE = 'prune-holds.json';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as 90d, 12h, 30m, 45s, in milliseconds; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd])$/.exec(text);
  if (m === null) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

export const retainSchema = z.strictObject({
  /** Keep the bodies of the last N blocks. */
  blocks: z.number().int().min(1).optional(),
  /** Keep the bodies of blocks younger than this (90d, 12h, 30m, 45s). */
  age: z
    .string()
    .refine((s) => parseDuration(s) !== undefined, 'expected a duration like 90d, 12h, 30m or 45s')
    .optional(),
  /** How often the background pruner looks for work (ms). */
  intervalMs: z.number().int().min(1000).max(86_400_000).default(60_000),
  /** Segments deleted per run at most (one segment is one step). */
  stepsPerRun: z.number().int().min(1).max(10_000).default(8),
  /**
   * Archive folder: each segment is copied there (with its manifest, fsynced) before it is
   * deleted; a failed copy stops the run before anything is deleted.
   */
  archiveDir: z.string().min(1).optional(),
});
export type RetainConfig = z.infer<typeof retainSchema>;

export interface RetainInputs {
  tip: number;
  /** Keep the last N. */
  blocks?: number;
  /** With `age`: the lowest height whose block time is at or after now − age (tip + 1 when none). */
  ageHeight?: number;
  /** Heights from which holds want bodies kept. */
  holds: readonly number[];
}

/**
 * The lowest height whose body must stay; 1 (prune nothing) without a policy. Never above the tip:
 * the newest block is always kept.
 */
export function retainHeight(i: RetainInputs): number {
  const policy: number[] = [];
  if (i.blocks !== undefined) policy.push(i.tip - i.blocks + 1);
  if (i.ageHeight !== undefined) policy.push(i.ageHeight);
  if (policy.length === 0) return 1;
  const h = Math.min(...policy, ...i.holds, i.tip);
  return Math.max(1, h);
}

/** Lowest height in [lo, hi] whose time is ≥ since, by binary search (times rise with height); hi + 1 when none. */
export async function firstHeightSince(
  lo: number,
  hi: number,
  since: number,
  timeOf: (h: number) => Promise<number>,
): Promise<number> {
  let a = lo;
  let b = hi + 1;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if ((await timeOf(mid)) >= since) b = mid;
    else a = mid + 1;
  }
  return a;
}

const holdSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  height: z.number().int().min(1),
  setAt: z.string(),
  note: z.string().max(256).default(''),
});
const holdsSchema = z.strictObject({ version: z.literal(1), holds: z.array(holdSchema) });
export type PruneHold = z.infer<typeof holdSchema>;

/** The operator's holds; none when the file does not exist. A damaged file throws (pruning then stops). */
export function readHolds(dataDir: string): PruneHold[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, HOLDS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed = holdsSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new NodeError(
      NodeErrorCode.BadConfig,
      `${HOLDS_FILE}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data.holds;
}

/** Replaces the holds file atomically (temporary file, then rename): the pruner never reads half of it. */
export async function writeHolds(dataDir: string, holds: PruneHold[]): Promise<void> {
  const path = join(dataDir, HOLDS_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, holds }, null, 2)}\n`, { mode: 0o640 });
  await rename(tmp, path);
}

/** Sets (or moves) the hold `name`; returns the new list. */
export async function setHold(dataDir: string, hold: PruneHold): Promise<PruneHold[]> {
  const holds = readHolds(dataDir).filter((h) => h.name !== hold.name);
  holds.push(hold);
  holds.sort((a, b) => a.name.localeCompare(b.name));
  await writeHolds(dataDir, holds);
  return holds;
}

/** Removes the hold `name`; false when there was none. */
export async function clearHold(dataDir: string, name: string): Promise<boolean> {
  const holds = readHolds(dataDir);
  const rest = holds.filter((h) => h.name !== name);
  if (rest.length === holds.length) return false;
  await writeHolds(dataDir, rest);
  return true;
}
