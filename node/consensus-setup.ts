// Builds the PBFT core of a node: its parameters in ticks from the chain's parameters in ms, the
// injected dependencies (hashing, signing, verifying, building and validating blocks), and the
// feed of governance schedules (validator sets, chain parameters) into the running core.
import { encodeBlockHeader } from '../codec/block.js';
import type { ChainParams } from '../codec/types.js';
import { type ConsensusParams, defaultConsensusParams } from '../consensus/params.js';
import type { ConsensusDeps } from '../consensus/types.js';
import { type Ed25519KeyPair, sign, verify } from '../crypto/ed25519.js';
import { history, PARAMS_KEY, VALIDATORS_KEY } from '../ledger/schedule.js';
import type { ContractState, Json } from '../ledger/state.js';
import { type BlockContext, buildBlock, transferredBlockProblem, validateBlock } from './block-rules.js';
import { envelopeTracingCode } from './chain/tx-hash.js';
import { headerHash } from './store/index.js';

const ticks = (ms: number, tickMs: number): number => Math.max(1, Math.ceil(ms / tickMs));

export function consensusParamsOf(chain: ChainParams, tickMs: number): ConsensusParams {
  const base = defaultConsensusParams();
  const view = ticks(chain.viewTimeoutMs, tickMs);
  return {
    ...base,
    periodTicks: ticks(chain.periodMs, tickMs),
    maxBlockEnvelopes: chain.maxBlockEnvelopes,
    maxBlockBytes: chain.maxBlockBytes,
    viewTimeoutTicks: view,
    maxViewTimeoutTicks: view * 8,
    // A waiting envelope triggers a view change only well after a normal round would have taken it.
    requestTimeoutTicks: Math.max(view * 3, ticks(chain.periodMs, tickMs) * 4),
    statusIntervalTicks: ticks(1000, tickMs),
    stateTimeoutTicks: ticks(2000, tickMs),
  };
}

export function consensusDeps(
  key: Ed25519KeyPair,
  ctx: BlockContext,
  committedBlock: ConsensusDeps['committedBlock'],
): ConsensusDeps {
  return {
    hashHeader: (h) => headerHash(encodeBlockHeader(h)),
    sign: (bytes) => sign(key, bytes),
    verify: (pub, bytes, sig) => verify(pub, bytes, sig),
    txHash: envelopeTracingCode,
    buildBlock: (p) => buildBlock(ctx, p),
    validateBlock: (b) => validateBlock(ctx, b),
    checkTransferred: (b) => transferredBlockProblem(ctx, b),
    committedBlock,
  };
}

/**
 * The validator sets in force up to `tip + 1`, oldest first, from the governance history (the
 * genesis set is scheduled at 0, which the core reads as from height 1).
 */
export function validatorHistory(
  state: ContractState,
  tip: number,
): { from: number; validators: Uint8Array[] }[] {
  return history<string[]>(state, VALIDATORS_KEY)
    .filter((s) => s.activateAt <= tip + 1)
    .map((s) => ({ from: Math.max(1, s.activateAt), validators: s.value.map((k) => Buffer.from(k, 'hex')) }));
}

/** What the feed calls on the core (Replica). */
export interface ScheduleTarget {
  scheduleValidators(fromHeight: number, keys: Uint8Array[]): void;
  scheduleParams(fromHeight: number, params: ConsensusParams): void;
}

/**
 * Hands the core every governance change (validator set, chain parameters) that activates above
 * the tip, once each, from the governance history: the core switches at the activation height,
 * like every other replica, without a restart. Called at start and after each applied block.
 */
export class ScheduleFeed {
  private validatorsFrom = 0;
  private paramsFrom = 0;

  constructor(private readonly tickMs: number) {}

  feed(core: ScheduleTarget, state: ContractState, tip: number): void {
    for (const s of history<string[]>(state, VALIDATORS_KEY)) {
      if (s.activateAt <= tip || s.activateAt <= this.validatorsFrom) continue;
      core.scheduleValidators(
        s.activateAt,
        s.value.map((k) => Buffer.from(k, 'hex')),
      );
      this.validatorsFrom = s.activateAt;
    }
    for (const s of history<ChainParams & Json>(state, PARAMS_KEY)) {
      if (s.activateAt <= tip || s.activateAt <= this.paramsFrom) continue;
      core.scheduleParams(s.activateAt, consensusParamsOf(s.value, this.tickMs));
      this.paramsFrom = s.activateAt;
    }
  }
}
