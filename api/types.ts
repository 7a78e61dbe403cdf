// The plain TypeScript shapes of every RPC request and response, shared by the server-side
// handlers (node/ implements them) and the typed client. No grpc type appears here; field names
// are the camelCase of api/bkdms.proto, so the wire mapping stays a thin layer (api/wire.ts).
import type { CityCode, Hash32, KeyId } from '../codec/types.js';

export enum UploadStatus {
  /** Newly admitted to the mempool. */
  Accepted = 1,
  /** The same envelope is already pending: success for an idempotent re-send. */
  AlreadyPending = 2,
  /**
   * A block already holds the same envelope: success for an idempotent re-send, and final (it is
   * never admitted again). `reason` is the result the block recorded: '' applied, else why it was
   * refused at execution (as a Receipt's `result`).
   */
  AlreadyCommitted = 3,
  /** Refused; `reason` is an ApiErrorCode. */
  Rejected = 4,
}

export interface UploadResult {
  status: UploadStatus;
  /** SHA-256 of the encoded envelope; empty when the bytes did not decode. */
  tracingCode: Uint8Array;
  /** ApiErrorCode when rejected; for ALREADY_COMMITTED the result its block recorded; '' otherwise. */
  reason: string;
  message: string;
  /** When rejected for a transient reason: how long to wait before re-sending; 0 otherwise. */
  retryAfterMs: number;
}

export enum SyncState {
  Synced = 1,
  CatchingUp = 2,
}

export interface NodeStatus {
  chainId: Hash32;
  height: number;
  view: number;
  /** Index of the current primary in the validator set. */
  primary: number;
  /** Ed25519 public keys of the validator set, in index order. */
  validators: Uint8Array[];
  /** libp2p peer IDs of connected peers. */
  peers: string[];
  syncState: SyncState;
  lastBlockHash: Hash32;
  mempoolEnvelopes: number;
  mempoolBytes: number;
  /** Index of this node in the validator set, -1 for an observer. */
  selfIndex: number;
  /** Lowest height whose block body the node serves (1 unless it pruned older bodies). */
  earliestHeight: number;
}

/** What a trace returns: every piece needed to verify one committed envelope offline. */
export interface TraceBundleBytes {
  envelope: Uint8Array;
  /** Encoded BlockHeader. */
  header: Uint8Array;
  leafIndex: number;
  /** Merkle audit path, leaf to root, 32 bytes per step. */
  proof: Uint8Array[];
  /** Encoded CommitCertificate. */
  certificate: Uint8Array;
  height: number;
}

export enum ReceiptState {
  Pending = 1,
  Committed = 2,
}

/** A receipt as the RPC answers it (GetReceipt); the store's execution result is node/store's Receipt. */
export interface ReceiptView {
  tracingCode: Hash32;
  state: ReceiptState;
  /** 0 while pending. */
  height: number;
  index: number;
  /** Execution result: '' means ok; otherwise why a committed contract call had no effect. */
  result: string;
  blockTime: number;
}

/** Time ranges are inclusive UTC ms; pageSize 0 means the server default. */
export interface SiteQuery {
  siteKeyId: KeyId;
  fromTime: number;
  toTime: number;
  pageSize: number;
  /** Opaque cursor from the previous page; empty for the first page. */
  cursor: Uint8Array;
}

export interface CityQuery {
  country: number;
  city: CityCode;
  /** Catalogue code; 0 means every KPI. */
  kpiCode: number;
  fromTime: number;
  toTime: number;
  pageSize: number;
  cursor: Uint8Array;
}

export interface QueryItem {
  tracingCode: Hash32;
  height: number;
  index: number;
  /** Envelope time, UTC ms. */
  time: number;
  /** Encoded envelope. */
  envelope: Uint8Array;
}

export interface QueryPage {
  items: QueryItem[];
  /** Empty when there is no further page. */
  nextCursor: Uint8Array;
}

export interface BlockEvent {
  height: number;
  /** Encoded CertifiedBlock. */
  certifiedBlock: Uint8Array;
}

export interface ScpKeyInfo {
  keyId: KeyId;
  /** X25519 public key. */
  publicKey: Uint8Array;
  notBefore: number;
  notAfter: number;
}

/** A proof of contract state against a certified header (docs/wire-format.md §State proofs). */
export interface StateProofBytes {
  /** Encoded BlockHeader: its stateRoot commits to the state after the block before it. */
  header: Uint8Array;
  /** Encoded CommitCertificate of that header's block. */
  certificate: Uint8Array;
  /** Encoded bucket proofs, in the order the answer documents. */
  buckets: Uint8Array[];
}

export interface ScpKeyDirectory {
  keys: ScpKeyInfo[];
  /** The directory is the state after the block at this height. */
  height: number;
  /** With prove: the bucket of the "scp/" group. Absent (null on the wire) otherwise. */
  proof?: StateProofBytes | null;
}

export interface StateEntryView {
  key: string;
  /** Canonical JSON bytes. */
  value: Uint8Array;
}

/** GetState's answer. */
export interface StateAnswer {
  /** The key's entry (none when absent), or every entry of a group, by key. */
  entries: StateEntryView[];
  /** The state after the block at this height. */
  height: number;
  /** With prove: the bucket of the key or group. */
  proof?: StateProofBytes | null;
}

export interface SiteInfo {
  keyId: KeyId;
  publicKey: Uint8Array;
  country: number;
  city: CityCode;
  siteId: Uint8Array;
  kpiCodes: number[];
  /** SiteStatus: 1 active, 2 suspended, 3 revoked. */
  status: number;
  /** Highest committed sequence number; the next upload uses one more than lastPendingSeq. */
  lastCommittedSeq: number;
  lastPendingSeq: number;
  /** With prove: the buckets of "site/<key id>" and "seq/<key id>", in that order. */
  proof?: StateProofBytes | null;
}

/** GetHeaders: heights fromHeight..toHeight (clamped to the tip), at most maxCount of them. */
export interface HeadersQuery {
  fromHeight: number;
  /** Inclusive; Number.MAX_SAFE_INTEGER for "up to the tip" (to_height 0 on the wire). */
  toHeight: number;
  maxCount: number;
}

export interface CertifiedHeaderBytes {
  height: number;
  /** Encoded BlockHeader. */
  header: Uint8Array;
  /** Encoded CommitCertificate. */
  certificate: Uint8Array;
}

export interface HeadersPage {
  headers: CertifiedHeaderBytes[];
  /** Where the next page starts; 0 when this page reached toHeight or the tip. */
  nextHeight: number;
  tip: number;
}
