// Crash-point failpoints (test-only, docs/reliability.md "Crash points"): named places in a node's
// commit and persist path, and in the platform's block write, where a test can make the process
// die, as a power cut or SIGKILL would there. Nothing is armed unless `bkdms node start --testkit`
// or `bkdms platform run --testkit` arms it from BKDMS_TESTKIT_FAILPOINT (cli/testkit-switch.ts,
// cli/platform-testkit.ts); unarmed, a failpoint is one comparison and never fires.
import { writeSync } from 'node:fs';

export const FAILPOINTS = [
  /** The block's frame appended to the block log and synced; the index batch not yet written. */
  'block-log-after-append',
  /** Half of the block's frame written and synced: a torn tail in the block log. */
  'block-log-torn-append',
  /** A new (empty) segment opened for the next block; nothing written to it yet. */
  'block-log-after-roll',
  /** The index batch (location, receipts, state changes, tip) written; the core not told yet. */
  'index-after-batch',
  /** Half of a consensus WAL record written and synced: a torn tail; its votes never sent. */
  'wal-torn-append',
  /** A consensus WAL record synced; the votes it makes durable not yet sent. */
  'wal-after-sync',
] as const;
/** The commit-path points: the crash sweep (e2e/crash-sweep.ts) runs one manifest per point. */
export type CommitFailpointName = (typeof FAILPOINTS)[number];

/** Points on a joining node's state sync (node/snapshot/, node/wiring/state-sync.ts). */
export const STATE_SYNC_FAILPOINTS = [
  /** A verified chunk saved to <dataDir>/statesync/; the rest not fetched (hit: the n-th chunk). */
  'statesync-after-chunk',
  /** The snapshot installed in one synced batch; the saved chunks not yet deleted. */
  'statesync-after-install',
] as const;
/** Points of the platform (`bkdms platform run --testkit`, platform/store.ts). */
export const PLATFORM_FAILPOINTS = [
  /** A block's rows and new cursor written inside its SQL transaction; the transaction not committed. */
  'platform-block-tx',
] as const;
export type PlatformFailpointName = (typeof PLATFORM_FAILPOINTS)[number];
export type FailpointName =
  | CommitFailpointName
  | (typeof STATE_SYNC_FAILPOINTS)[number]
  | PlatformFailpointName;
const KNOWN: readonly string[] = [...FAILPOINTS, ...STATE_SYNC_FAILPOINTS, ...PLATFORM_FAILPOINTS];

/** The environment variable arming one failpoint: `name` or `name:hit` (dies on the hit-th pass; default 1). */
export const FAILPOINT_ENV = 'BKDMS_TESTKIT_FAILPOINT';

/** Block log segment size of a test-kit node (small, so that a crash point at a segment roll is reached soon). */
export const SEGMENT_BYTES_ENV = 'BKDMS_TESTKIT_SEGMENT_BYTES';

export interface ArmedFailpoint {
  name: FailpointName;
  /** Dies on this pass through the point (1 = the first). */
  hit: number;
}

/** Parses `name[:hit]`; throws on an unknown name or a bad count, so a typo never runs unarmed. */
export function parseFailpoint(spec: string): ArmedFailpoint {
  const [raw = '', count, ...rest] = spec.trim().split(':');
  if (!KNOWN.includes(raw) || rest.length > 0)
    throw new Error(`${FAILPOINT_ENV}: unknown failpoint "${spec}" (known: ${KNOWN.join(', ')})`);
  const hit = count === undefined ? 1 : Number(count);
  if (!Number.isInteger(hit) || hit < 1 || hit > 1_000_000)
    throw new Error(`${FAILPOINT_ENV}: "${count}" is not a pass count (1 … 1000000)`);
  return { name: raw as FailpointName, hit };
}

let armed: ArmedFailpoint | undefined;
let passes = 0;

/** Arms one failpoint for this process (the test-kit switch only). */
export function armFailpoint(f: ArmedFailpoint): void {
  armed = f;
  passes = 0;
}

/** Whether this pass through `name` is the one that must die (counts the pass). */
export function failpointDue(name: FailpointName): boolean {
  if (armed === undefined || armed.name !== name) return false;
  passes++;
  return passes === armed.hit;
}

/**
 * Dies at once with SIGKILL, after one line on stderr saying where (the sweep checks it), with
 * `detail` (what the point was doing: the platform's block height).
 */
export function crashAt(name: FailpointName, detail: Record<string, number | string> = {}): never {
  writeSync(2, `${JSON.stringify({ event: 'testkit.failpoint', name, pass: passes, ...detail })}\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not deliverable to a handler; this line is never reached.
  throw new Error(`failpoint ${name}: SIGKILL did not end the process`);
}

/** A plain crash point: dies here on the armed pass. */
export function failpoint(name: FailpointName): void {
  if (failpointDue(name)) crashAt(name);
}
