// Why the chain refused an envelope. Stored in receipts (u16) and returned by admission checks.
// Codes are part of the stored format: never renumber, only append.

export enum Reason {
  None = 0,
  // ---- uploads (admission and re-check at execution)
  /** No site is registered under the signer key ID. */
  UnknownSigner = 1,
  /** The signer key was the site's key but has been rotated out. */
  KeyRotated = 2,
  SiteSuspended = 3,
  SiteRevoked = 4,
  /** Sequence number already seen in the signer's window. */
  SeqReplayed = 5,
  /** Sequence number below the signer's reordering window. */
  SeqTooOld = 6,
  /** Envelope chain ID is not this chain's. */
  WrongChain = 7,
  CountryMismatch = 8,
  CityMismatch = 9,
  SiteIdMismatch = 10,
  /** A KPI code in the routing metadata that the site may not upload. */
  KpiNotAllowed = 11,
  /** Sequence number more than the chain's maxSeqGap above the signer's highest applied one. */
  SeqTooFar = 12,
  /** Envelope time more than maxEnvelopeFutureMs after the block time (the node's clock at admission). */
  TimeInFuture = 13,
  // ---- contract calls
  /** The signer is not a current administrator. */
  NotAdmin = 20,
  UnknownProposal = 21,
  ProposalExpired = 22,
  AlreadyApproved = 23,
  /** The action is malformed (lengths, bounds, duplicates, threshold). */
  InvalidAction = 24,
  /** setParams must activate after the executing block; setValidators at least two blocks after it. */
  ActivationNotInFuture = 25,
  /** A proposal whose expiry is not after the block time. */
  ExpiryInPast = 26,
  /** registerSite of a key or site ID already registered. */
  SiteExists = 27,
  /** The site named by the action does not exist. */
  UnknownSite = 28,
  /** The action does not apply in the site's current status (e.g. resume an active site, touch a revoked one). */
  BadTransition = 29,
  UnknownScpKey = 30,
  /** The envelope bytes do not decode. */
  Malformed = 31,
  // ---- cross-chain light clients (ledger/xchain/)
  /** No light client under that ID. */
  UnknownClient = 40,
  /** registerCounterparty of an ID already in use. */
  ClientExists = 41,
  /** The client is frozen by misbehaviour: it accepts nothing until governance recovers it. */
  ClientFrozen = 42,
  /** The client's latest consensus state is older than its trusting period at the block time. */
  ClientExpired = 43,
  /** A remote header that does not decode, is of another chain, too far ahead of the block time, or out of time order. */
  BadRemoteHeader = 44,
  /** The header names a validator set the client does not hold in force at its height. */
  UnknownValidatorSet = 45,
  /** The certificate is not 2f+1 valid signatures of the trusted set over the header. */
  BadRemoteCertificate = 46,
  /** Every header of the update is already held (with the same hash): nothing to do. */
  DuplicateUpdate = 47,
  /** A validator-schedule proof that does not verify or rewrites sets already proven. */
  BadScheduleProof = 48,
  /** Two headers that are not conflicting certified headers of one height. */
  NotMisbehaviour = 49,
  /** No consensus state at the height a proof names. */
  NoConsensusState = 50,
  /** A membership or state proof that does not lead to the consensus state's roots. */
  BadRemoteProof = 51,
  /** The signer is neither an administrator nor a relayer of the client. */
  NotRelayer = 52,
  /** recoverClient whose subject is active, or whose substitute is not an active client of the same chain ahead of it. */
  CannotRecover = 53,
  /** The fact is already recorded. */
  FactExists = 54,
}

export type Check<T = undefined> = { ok: true; value: T } | { ok: false; reason: Reason };

export function reject(reason: Reason): { ok: false; reason: Reason } {
  return { ok: false, reason };
}
