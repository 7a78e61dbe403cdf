// Bounds on what a signed envelope may claim, set by the chain parameters: how far its sequence
// number may jump above the signer's highest applied one, and how far its time may run ahead of
// the block's. Without the first, one upload at seq 2^53 - 1 would leave its site no number to
// upload with ever again; without the second, an envelope dated in the year 3000 would commit.
// Execution judges against the block's header time (chain data only, so every node agrees);
// admission against the node's clock. There is deliberately no bound on old times: a site uploads
// the readings it kept through an outage with the times they were sealed at, and the replay
// window, not the time, is what refuses a replay.
import type { ChainParams } from '../codec/types.js';
import { Reason } from './reasons.js';
import type { ParamsJson } from './records.js';
import { SEQ_WINDOW, type SeqWindow } from './seq-window.js';

/**
 * Default maxSeqGap. A site numbers its envelopes one by one, so it runs ahead of the chain by
 * what its outbox holds (100,000 by default) plus what the chain refused for good meanwhile: a
 * million leaves room for both and still keeps 2^53 out of reach.
 */
export const DEFAULT_MAX_SEQ_GAP = 1_000_000;
/** Default maxEnvelopeFutureMs: five minutes, well above honest clock skew and block latency. */
export const DEFAULT_MAX_ENVELOPE_FUTURE_MS = 5 * 60_000;
/** The smallest maxSeqGap: a jump the replay window tolerates below the highest seq is allowed above it. */
export const MIN_MAX_SEQ_GAP = SEQ_WINDOW;
/** Both bounds travel as u32 in setParams. */
export const MAX_BOUND = 0xffff_ffff;

export interface EnvelopeBounds {
  maxSeqGap: number;
  maxEnvelopeFutureMs: number;
}

/** The bounds in force and the time an envelope is judged at. */
export interface BoundsAt extends EnvelopeBounds {
  /** UTC ms: the block's header time at execution, the node's clock at admission. */
  now: number;
}

const BOUND_KEYS = ['maxSeqGap', 'maxEnvelopeFutureMs'] as const;

/** The bounds in force under these parameters (defaults where the chain never set them). */
export function envelopeBounds(p: ChainParams | undefined): EnvelopeBounds {
  return {
    maxSeqGap: p?.maxSeqGap ?? DEFAULT_MAX_SEQ_GAP,
    maxEnvelopeFutureMs: p?.maxEnvelopeFutureMs ?? DEFAULT_MAX_ENVELOPE_FUTURE_MS,
  };
}

/** Well-formed bounds: both or neither, integers in range. */
export function validBounds(p: ChainParams): boolean {
  const { maxSeqGap: gap, maxEnvelopeFutureMs: ahead } = p;
  if (gap === undefined || ahead === undefined) return gap === ahead;
  const inRange = (n: number, min: number): boolean => Number.isSafeInteger(n) && n >= min && n <= MAX_BOUND;
  return inRange(gap, MIN_MAX_SEQ_GAP) && inRange(ahead, 1);
}

/**
 * Parameters to store for a setParams action. A call without the bounds (layout 1) keeps the ones
 * in force at its activation height, `prev`, so changing the block period does not reset them.
 * No key is ever undefined: the value is canonical JSON.
 */
export function storedParams(p: ChainParams, prev: ChainParams | undefined): ParamsJson {
  const out: ParamsJson = {
    periodMs: p.periodMs,
    maxBlockEnvelopes: p.maxBlockEnvelopes,
    maxBlockBytes: p.maxBlockBytes,
    viewTimeoutMs: p.viewTimeoutMs,
  };
  for (const k of BOUND_KEYS) {
    const v = p[k] ?? prev?.[k];
    if (v !== undefined) out[k] = v;
  }
  // Only present when a genesis or a setParams (layout 3) set it, so chains that never did keep
  // their state root; a setParams without it keeps the value in force at its activation.
  const snapshotInterval = p.snapshotInterval ?? prev?.snapshotInterval;
  if (snapshotInterval !== undefined) out.snapshotInterval = snapshotInterval;
  return out;
}

/** SeqTooFar when seq is more than maxSeqGap above the signer's highest applied seq. */
export function checkSeqGap(w: SeqWindow, seq: number, maxSeqGap: number): Reason {
  return seq - w.hwm > maxSeqGap ? Reason.SeqTooFar : Reason.None;
}

/** TimeInFuture when the envelope's time is more than maxEnvelopeFutureMs after `reference`. */
export function checkEnvelopeTime(time: number, reference: number, maxEnvelopeFutureMs: number): Reason {
  return time - reference > maxEnvelopeFutureMs ? Reason.TimeInFuture : Reason.None;
}
