// The one error class of the consensus domain (the codec/errors.ts pattern). Thrown only for
// misuse by the local caller (bad config, bad restored state, bad driver input). Messages from
// peers never throw: an invalid message is dropped and counted in Replica.stats.dropped.
import { BkdmsError } from '../codec/base-error.js';

export enum ConsensusErrorCode {
  /** ReplicaConfig or ConsensusParams out of their domain. */
  BadConfig = 'BAD_CONFIG',
  /** A restored PersistentState that does not fit the config. */
  BadState = 'BAD_STATE',
  /** A driver call with arguments that break the interface contract. */
  BadInput = 'BAD_INPUT',
}

export class ConsensusError extends BkdmsError<ConsensusErrorCode> {
  constructor(code: ConsensusErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('ConsensusError', code, message, meta);
  }
}
