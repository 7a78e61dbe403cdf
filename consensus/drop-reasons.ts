// Why a replica dropped a message: the keys of ReplicaStats.dropped, which drivers export and
// tests and simulator transcripts assert on ("expect dropped@1:bad-view-change >= 1"). The values
// are the stable names those read. (Named apart from kpi/'s DropReason, which is about readings.)

export enum MessageDropReason {
  // Any normal-case message (PRE-PREPARE, PREPARE, COMMIT), and NEW-VIEW.
  /** For a view this replica has left. */
  OldView = 'old-view',
  /** Sequence number outside the watermarks (h, h+L]. */
  OutOfWindow = 'out-of-window',
  /** Signed by this replica (an echo). */
  Own = 'own',
  /** Not signed by the validator it names (or, for a state request, by no known validator). */
  BadSignature = 'bad-signature',
  /** For a later view, but that sender's buffer of future messages is full. */
  FutureFull = 'future-full',

  // PRE-PREPARE and the block it proposes.
  /** Not sent by the primary of its view. */
  NotPrimary = 'not-primary',
  /** The digest is not the hash of the block header, or the height is not the seq. */
  BadDigest = 'bad-digest',
  /** Re-proposes, at a committed height, another block than the one committed. */
  ConflictsCommitted = 'conflicts-committed',
  /** The block is for another chain. */
  WrongChain = 'wrong-chain',
  /** The block does not extend this replica's tip. */
  WrongParent = 'wrong-parent',
  /** The block names another proposer or a later view. */
  WrongProposer = 'wrong-proposer',
  /** More envelopes than the header says or the parameters allow. */
  TooMany = 'too-many',
  /** More bytes than the parameters allow. */
  TooLarge = 'too-large',
  /** An envelope repeated in the block or committed already. */
  DuplicateEnvelope = 'duplicate-envelope',
  /** The driver's block validation refused it (ConsensusDeps.validateBlock). */
  InvalidBlock = 'invalid-block',

  // View change.
  /** A VIEW-CHANGE whose signer is unknown or whose proofs do not verify. */
  BadViewChange = 'bad-view-change',
  /** A NEW-VIEW whose view changes or re-proposals do not verify. */
  BadNewView = 'bad-new-view',

  // State transfer.
  /** A state request for heights this replica does not hold, or in the wrong order. */
  BadStateRequest = 'bad-state-request',
  /** A second state request from a peer whose first is still being served. */
  StateRequestBusy = 'state-request-busy',
  /** A state response with no block or more than a batch. */
  BadStateResponse = 'bad-state-response',
  /** A state response that does not start at this replica's next height. */
  StaleStateResponse = 'stale-state-response',
  /** A state response this replica did not ask for. */
  UnaskedStateResponse = 'unasked-state-response',
  /** A transferred block that does not extend the tip or whose certificate does not verify. */
  BadCertifiedBlock = 'bad-certified-block',
  /** A transferred block, certified, that the driver's checks refuse (ConsensusDeps.checkTransferred). */
  BadTransferredBlock = 'bad-transferred-block',
}
