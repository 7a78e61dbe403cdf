// Public surface of the consensus core. The driver (node/) needs nothing else.
export { MessageDropReason } from './drop-reasons.js';
export { ConsensusError, ConsensusErrorCode } from './errors.js';
export { type ConsensusParams, checkParams, defaultConsensusParams, ParamsSchedule } from './params.js';
export { Verifier } from './proofs.js';
export { type Footprint, Replica, type ReplicaStats } from './replica.js';
export {
  type ConsensusDeps,
  type Evidence,
  EvidenceKind,
  type Outbound,
  type PersistentState,
  type Proposal,
  type Ready,
  type ReplicaConfig,
  type Request,
  type StateRequestIn,
  type Vote,
  VoteKind,
} from './types.js';
export { ValidatorSchedule, ValidatorSet } from './validators.js';
