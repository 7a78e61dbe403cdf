// The driver's sending side: one loop per lane, each sending its envelopes in order with
// UploadBatch to its node, either at a fixed share of the offered rate or as fast as the
// pending cap allows. Envelopes refused for a transient reason (mempool full, rate limited, not
// ready, a failed call) are re-sent first, after the server's hint, so a site's order holds.

import type { BkdmsClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import { UploadStatus } from '../../api/types.js';
import type { GeneratedLoad, Lane } from './generate.js';
import type { DriverPlan, ReasonCounts } from './plan.js';

/** Refusals worth re-sending (the envelope was not judged bad). */
export const RETRYABLE = new Set([
  'MEMPOOL_FULL',
  'RATE_LIMITED',
  'NOT_READY',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
]);
/** How often an open-loop lane looks again while the pending cap holds it back (ms). */
const IDLE_MS = 5;
/** Longest a fixed-rate lane sleeps before looking again (ms). */
const MAX_IDLE_MS = 50;

export interface SendState {
  /** Time each envelope's (last) upload call started, NaN if never sent. */
  readonly sentAt: Float64Array;
  sent: number;
  accepted: number;
  rejected: ReasonCounts;
}

export interface SendDeps {
  load: GeneratedLoad;
  clients: BkdmsClient[];
  plan: DriverPlan;
  clock: () => number;
  /** Uploaded-but-uncommitted envelopes right now (for the open-loop cap). */
  pending: () => number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function newSendState(count: number): SendState {
  return { sentAt: new Float64Array(count).fill(Number.NaN), sent: 0, accepted: 0, rejected: {} };
}

function countReason(s: SendState, reason: string, n = 1): void {
  s.rejected[reason] = (s.rejected[reason] ?? 0) + n;
}

/** How many envelopes lane `l` may send now. */
function allowance(d: SendDeps, laneShare: number, laneSent: number): number {
  const { mode } = d.plan;
  if (mode.kind === 'open') return d.pending() < mode.maxPending ? d.plan.batch : 0;
  const due = Math.floor((mode.perSecond * laneShare * d.clock()) / 1000) - laneSent;
  return Math.min(d.plan.batch, due);
}

/**
 * How long a lane with nothing to send sleeps: at a fixed rate, until its next envelope is due
 * (waking every few ms in every lane would cost the driver CPU the nodes share).
 */
function idleMs(d: SendDeps, laneShare: number, laneSent: number): number {
  const { mode } = d.plan;
  if (mode.kind === 'open') return IDLE_MS;
  const dueAt = ((laneSent + 1) * 1000) / (mode.perSecond * laneShare);
  return Math.min(MAX_IDLE_MS, Math.max(1, Math.ceil(dueAt - d.clock())));
}

async function runLane(d: SendDeps, s: SendState, lane: Lane, laneShare: number): Promise<void> {
  const client = d.clients[lane.node]!;
  let next = 0;
  let laneSent = 0;
  let retry: number[] = [];
  while (d.clock() < d.plan.durationMs && (retry.length > 0 || next < lane.order.length)) {
    const n = retry.length > 0 ? retry.length : allowance(d, laneShare, laneSent);
    if (n <= 0) {
      await sleep(idleMs(d, laneShare, laneSent));
      continue;
    }
    const ids = retry.length > 0 ? retry : lane.order.slice(next, next + n);
    if (retry.length === 0) {
      next += ids.length;
      laneSent += ids.length;
    }
    retry = [];
    const at = d.clock();
    for (const i of ids) s.sentAt[i] = at;
    s.sent += ids.length;
    let waitMs = 0;
    try {
      const results = await client.uploadBatch(ids.map((i) => d.load.envelopes[i]!));
      for (const [k, r] of results.entries()) {
        if (r.status !== UploadStatus.Rejected) {
          s.accepted++;
          continue;
        }
        countReason(s, r.reason);
        if (RETRYABLE.has(r.reason)) {
          retry.push(ids[k]!);
          waitMs = Math.max(waitMs, r.retryAfterMs);
        }
      }
    } catch (err) {
      countReason(s, `rpc:${err instanceof ApiError ? err.code : 'ERROR'}`, ids.length);
      retry = ids;
      waitMs = 100;
    }
    if (retry.length > 0) await sleep(Math.max(20, waitMs));
  }
}

/** Runs every lane until plan.durationMs (driver clock) or until its envelopes run out. */
export async function driveLanes(d: SendDeps, s: SendState): Promise<void> {
  const share = 1 / d.load.lanes.length;
  await Promise.all(d.load.lanes.map((lane) => runLane(d, s, lane, share)));
}
