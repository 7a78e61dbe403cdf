// The one error class of the consensus domain (the codec/errors.ts pattern). Thrown only for
// misuse by the local caller (bad config, bad restored state, bad driver input). Messages from
// peers never throw: an invalid message is dropped and counted in Replica.stats.dropped.

export enum ConsensusErrorCode {
  /** ReplicaConfig or ConsensusParams out of their domain. */
  BadConfig = 'BAD_CONFIG',
  /** A restored PersistentState that does not fit the config. */
  BadState = 'BAD_STATE',
  /** A driver call with arguments that break the interface contract. */
  BadInput = 'BAD_INPUT',
}

export class ConsensusError extends Error {
  readonly code: ConsensusErrorCode;
  readonly meta: Readonly<Record<string, string | number>>;

  constructor(code: ConsensusErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super(`${code}: ${message}`);
    this.name = 'ConsensusError';
    this.code = code;
    this.meta = meta;
  }
}
