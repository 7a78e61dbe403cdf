// One snapshot of what the rules look at, taken by the collector on each evaluation (collector.ts)
// or written by hand in a unit test. Counters are cumulative since the node started; rules that
// need a rate compare two snapshots (the engine keeps a bounded window of them).

export interface ValidatorSignal {
  /** Index in the validator set in force. */
  index: number;
  /** Connected to it now (always true for this node itself). */
  connected: boolean;
  /** Highest height it announced (CHECKPOINT, status heartbeat), -1 when none yet. */
  height: number;
  /** The block hash (hex) it announced at `height`, when known. */
  hash?: string;
  /** Its clock minus ours, from the time of the last block it proposed that we committed. */
  skewMs?: number;
}

/** A validator, admin or site that entered, left or changed, as the node committed it. */
export interface MemberChangeSignal {
  /** Time of the block that made it (UTC ms). */
  at: number;
  height: number;
  proposal: string;
  kind: string;
  op: string;
  /** Validator public key or admin/site key ID (hex). */
  id: string;
}

/** A cross-chain light client as the contract state this node committed holds it. */
export interface XchainClientSignal {
  clientId: number;
  /** The remote chain ID (hex). */
  chainId: string;
  /** Remote height at which misbehaviour froze it; 0 while not frozen. */
  frozenHeight: number;
  latestHeight: number;
  /** Remote block time (ms) of the latest consensus state, when held. */
  latestTime?: number;
  trustingPeriodMs: number;
}

export interface Snapshot {
  /** UTC ms (the injected clock in tests). */
  now: number;
  /** This node's index in the validator set; -1 when it is not a validator. */
  self: number;
  /** Every validator of the set in force, this node included. */
  validators: ValidatorSignal[];
  height: number;
  /** Our block hash (hex) at the heights the peers announced, where we have that block. */
  hashes: Record<number, string>;
  /** Envelopes waiting in the mempool. */
  pending: number;
  catchingUp: boolean;
  inViewChange: boolean;
  /** Cumulative: view changes started, PREPARE/COMMIT votes sent. */
  viewChanges: number;
  votesSent: number;
  /** Equivocation evidence recorded recently: offender index (-1 when not in the set) and time. */
  evidence: { offender: number; at: number }[];
  /** Free and total bytes of the data folder's file system, when it could be read. */
  disk?: { free: number; total: number };
  /** Resident set size. */
  rssBytes: number;
  /** RPC TLS certificate's notAfter (UTC ms), when the node serves TLS. */
  tlsNotAfter?: number;
  /** Latest notAfter among the SCP keys in force (not retired, notBefore passed), when any. */
  scpKeyNotAfter?: number;
  /** Membership changes this node committed recently (newest last, bounded by the collector). */
  memberChanges?: MemberChangeSignal[];
  /**
   * The last committed block whose header (certified by the validators) carries another state root
   * than the one this node computed through the block before it; absent once a block agrees again.
   */
  stateRootMismatch?: { height: number; ours: string; chain: string };
  /** Peers whose snapshot hash differs from ours at a height both snapshotted (node/snapshot/comparer.ts). */
  snapshotDivergence?: { peer: number; height: number; ours: string; theirs: string }[];
  /** Restarts of this node by its supervisor (`cluster up`): the last one's time and count. */
  restarts?: { count: number; at: number; reason: string };
  /** Light clients of other chains this chain holds (contract state), judged with `now`. */
  xchainClients?: XchainClientSignal[];
}
