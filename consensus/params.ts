// Consensus parameters, all in logical ticks (the driver calls tick() every tickMs) and counts.
// defaultConsensusParams() suits a 100 ms tick: a 1 s processing period, 3 s base view timeout.
import { ByHeight } from './by-height.js';
import { ConsensusError, ConsensusErrorCode } from './errors.js';

export interface ConsensusParams {
  /** Processing period: the primary proposes at most once per period unless the block is full. */
  periodTicks: number;
  maxBlockEnvelopes: number;
  maxBlockBytes: number;
  /** Base timeout of a view (no commit while work is waiting) and of a view change. */
  viewTimeoutTicks: number;
  /** Cap of the doubling backoff; the backoff resets when a block commits. */
  maxViewTimeoutTicks: number;
  /** K: a checkpoint every K blocks. */
  checkpointInterval: number;
  /** L: sequence numbers accepted lie in (h, h + L] where h is the stable checkpoint; L >= 2K. */
  windowSize: number;
  /** Anti-censorship: an envelope waiting longer than this in a view triggers a view change. */
  requestTimeoutTicks: number;
  /** Propose a block every period even without envelopes. */
  emptyBlocks: boolean;
  /** Most envelopes tracked as pending (the mempool admits before us; this bounds our copy). */
  maxPendingRequests: number;
  /** Every replica re-announces its tip this often, so a lagging replica learns it on an idle network. */
  statusIntervalTicks: number;
  /** Most blocks asked for in one state request. */
  stateBatchBlocks: number;
  /** A state request unanswered this long goes to the next peer. */
  stateTimeoutTicks: number;
  /** Messages buffered per sender for views this replica has not entered yet. */
  maxFutureMessages: number;
}

export function defaultConsensusParams(): ConsensusParams {
  return {
    periodTicks: 10,
    maxBlockEnvelopes: 1000,
    maxBlockBytes: 4 * 1024 * 1024,
    viewTimeoutTicks: 30,
    maxViewTimeoutTicks: 300,
    checkpointInterval: 16,
    windowSize: 64,
    requestTimeoutTicks: 100,
    emptyBlocks: false,
    maxPendingRequests: 100_000,
    statusIntervalTicks: 20,
    stateBatchBlocks: 16,
    stateTimeoutTicks: 20,
    maxFutureMessages: 64,
  };
}

/** Throws BadConfig unless every parameter is a positive integer and L >= 2K. */
export function checkParams(p: ConsensusParams): void {
  for (const [k, v] of Object.entries(p)) {
    if (typeof v === 'boolean') continue;
    if (!Number.isSafeInteger(v) || v < 1)
      throw new ConsensusError(ConsensusErrorCode.BadConfig, `${k} must be a positive integer`, { [k]: v });
  }
  if (p.windowSize < 2 * p.checkpointInterval)
    throw new ConsensusError(
      ConsensusErrorCode.BadConfig,
      'windowSize must be at least 2 * checkpointInterval',
    );
  if (p.maxViewTimeoutTicks < p.viewTimeoutTicks)
    throw new ConsensusError(ConsensusErrorCode.BadConfig, 'maxViewTimeoutTicks < viewTimeoutTicks');
}

/** Parameters every replica sizes its window and memory bounds with: fixed for a chain's life. */
const FIXED_PARAMS = [
  'checkpointInterval',
  'windowSize',
  'maxPendingRequests',
  'maxFutureMessages',
  'stateBatchBlocks',
] as const;

/**
 * The parameters in force by height. Governance changes the period, block limits and timeouts at
 * an activation height; every replica applies them when it works on that height (proposing it,
 * checking its block, timing its round), so all switch at the same block.
 */
export class ParamsSchedule extends ByHeight<ConsensusParams> {
  constructor(params: ConsensusParams) {
    checkParams(params);
    super(0, params);
  }

  /** Params from `from` on; a later schedule for an equal or lower height replaces it. */
  schedule(from: number, params: ConsensusParams): void {
    checkParams(params);
    const base = this.entries[0]!.value;
    for (const k of FIXED_PARAMS)
      if (params[k] !== base[k])
        throw new ConsensusError(ConsensusErrorCode.BadInput, `${k} cannot change on a running chain`, {
          [k]: params[k],
        });
    this.put(from, params);
  }
}
