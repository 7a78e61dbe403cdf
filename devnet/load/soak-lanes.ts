// The soak driver's sending side: one loop per lane at its share of a fixed rate, envelopes made
// just before their upload call (soak-source.ts). Refused-for-now envelopes (mempool
// full, rate limited, a failed call) are re-sent first, so a site's order holds. Sending stops at
// the duration or once the envelope budget is used up.
import type { BkdmsClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import { UploadStatus } from '../../api/types.js';
import { RETRYABLE } from './sender.js';
import type { LaneSource } from './soak-source.js';

export interface SoakSendState {
  sent: number;
  accepted: number;
  /** Envelopes made so far (each once, re-sends excluded). */
  made: number;
  generateMs: number;
  rejected: Record<string, number>;
}

export interface SoakLaneDeps {
  perSecond: number;
  durationMs: number;
  /** Re-sends give up this long after the duration (ms). */
  drainMs: number;
  maxEnvelopes: number;
  batch: number;
  clock: () => number;
}

/** Longest a lane sleeps before looking again (ms). */
const MAX_IDLE_MS = 50;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function newSoakState(): SoakSendState {
  return { sent: 0, accepted: 0, made: 0, generateMs: 0, rejected: {} };
}

/** Envelopes of one upload call: returns those to re-send and how long to wait first. */
async function upload(
  client: BkdmsClient,
  envs: Uint8Array[],
  s: SoakSendState,
): Promise<{ retry: Uint8Array[]; waitMs: number }> {
  const count = (reason: string, n = 1): void => {
    s.rejected[reason] = (s.rejected[reason] ?? 0) + n;
  };
  s.sent += envs.length;
  try {
    const results = await client.uploadBatch(envs);
    const retry: Uint8Array[] = [];
    let waitMs = 0;
    for (const [k, r] of results.entries()) {
      if (r.status !== UploadStatus.Rejected) {
        s.accepted++;
        continue;
      }
      count(r.reason);
      if (!RETRYABLE.has(r.reason)) continue;
      retry.push(envs[k]!);
      waitMs = Math.max(waitMs, r.retryAfterMs);
    }
    return { retry, waitMs };
  } catch (err) {
    count(`rpc:${err instanceof ApiError ? err.code : 'ERROR'}`, envs.length);
    return { retry: envs, waitMs: 100 };
  }
}

async function runLane(
  d: SoakLaneDeps,
  s: SoakSendState,
  source: LaneSource,
  client: BkdmsClient,
  share: number,
): Promise<void> {
  let laneMade = 0;
  let retry: Uint8Array[] = [];
  for (;;) {
    const now = d.clock();
    let envs = retry;
    if (envs.length === 0) {
      if (now >= d.durationMs || s.made >= d.maxEnvelopes) return;
      const due = Math.floor((d.perSecond * share * now) / 1000) - laneMade;
      const n = Math.min(d.batch, due, d.maxEnvelopes - s.made);
      if (n <= 0) {
        const dueAt = ((laneMade + 1) * 1000) / (d.perSecond * share);
        await sleep(Math.min(MAX_IDLE_MS, Math.max(1, Math.ceil(dueAt - now))));
        continue;
      }
      const t0 = performance.now();
      envs = source.take(n, Date.now());
      s.generateMs += performance.now() - t0;
      laneMade += n;
      s.made += n;
    } else if (now >= d.durationMs + d.drainMs) return;
    const r = await upload(client, envs, s);
    retry = r.retry;
    if (retry.length > 0) await sleep(Math.max(20, r.waitMs));
  }
}

/** Runs every lane (lane i sends to clients[i mod clients.length]) until the run's end. */
export async function driveSoakLanes(
  d: SoakLaneDeps,
  s: SoakSendState,
  sources: LaneSource[],
  clients: BkdmsClient[],
): Promise<void> {
  const share = 1 / sources.length;
  await Promise.all(sources.map((src, i) => runLane(d, s, src, clients[i % clients.length]!, share)));
}
