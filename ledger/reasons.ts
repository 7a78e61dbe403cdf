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
}

export type Check<T = undefined> = { ok: true; value: T } | { ok: false; reason: Reason };

export function reject(reason: Reason): { ok: false; reason: Reason } {
  return { ok: false, reason };
}
