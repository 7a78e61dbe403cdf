// The cross-chain part of the contract calls (docs/cross-chain.md): registering a light client
// of another bkdms chain, updating it, reporting misbehaviour and recording a proven remote fact.
// Kept apart from types.ts, which re-exports it.

/**
 * Registers an on-chain light client of another bkdms chain (docs/cross-chain.md). The trusted
 * header (encoded BlockHeader) names the remote chain (its chainId, the SHA-256 of its genesis
 * file), the trusted height and, by its hash, the trusted block; `validators` is the set that
 * certifies it (its hash must be the header's validatorSetHash).
 */
export interface RegisterCounterparty {
  type: 'registerCounterparty';
  clientId: number;
  trustedHeader: Uint8Array;
  validators: Uint8Array[];
  trustingPeriodMs: number;
  maxClockDriftMs: number;
  /** Ed25519 public keys allowed to sign the client's update, misbehaviour and fact calls. */
  relayers: Uint8Array[];
}

/** A remote block header (encoded, 223 bytes) and its encoded commit certificate. */
export interface RemoteCertifiedHeader {
  header: Uint8Array;
  certificate: Uint8Array;
}

/** One header of an updateClient call; `scheduleProof` (may be empty) proves "gov/validators" at it. */
export interface ClientHeaderUpdate extends RemoteCertifiedHeader {
  scheduleProof: Uint8Array;
}

/** What a recordRemoteFact call proves against a stored consensus state of the remote chain. */
export type RemoteProof =
  | {
      kind: 'envelope';
      /** The remote block holding the envelope (encoded header). */
      header: Uint8Array;
      /** Inclusion of that block's hash in the consensus state's block-hash log (empty: the block is the consensus state's own). */
      logProof: Uint8Array;
      /** 32 bytes. */
      tracingCode: Uint8Array;
      /** Inclusion of the tracing code under the block's txRoot. */
      txProof: Uint8Array;
    }
  | { kind: 'state'; key: string; stateProof: Uint8Array };

/** Cross-chain calls: signed by a relayer of the client (or an administrator); checked in full by the contract. */
export type XchainCall =
  | { type: 'updateClient'; clientId: number; headers: ClientHeaderUpdate[] }
  | {
      type: 'submitMisbehaviour';
      clientId: number;
      first: RemoteCertifiedHeader;
      second: RemoteCertifiedHeader;
    }
  | { type: 'recordRemoteFact'; clientId: number; height: number; proof: RemoteProof };
