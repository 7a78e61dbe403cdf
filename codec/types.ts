// The decoded shapes of every structure the ledger puts on the wire or on disk.
// Byte layouts, signing bytes and caps live in docs/wire-format.md and codec/*.ts; these types are
// what encoders take and decoders return. Byte fields are Uint8Array views over the input (zero
// copy). Integers that can exceed 2^32 are bigint only where they are not times or heights:
// times (ms since epoch) and heights fit in a JS number (< 2^53) and the decoders reject more.
import type { RegisterCounterparty, XchainCall } from './xchain-types.js';

export type {
  ClientHeaderUpdate,
  RegisterCounterparty,
  RemoteCertifiedHeader,
  RemoteProof,
  XchainCall,
} from './xchain-types.js';

/** 32-byte SHA-256 output. */
export type Hash32 = Uint8Array;
/** 16-byte key identifier: the first 16 bytes of SHA-256(domain || public key), see crypto/. */
export type KeyId = Uint8Array;
/** 64-byte Ed25519 signature. */
export type Signature = Uint8Array;

// ---------------------------------------------------------------- KPI record (Y.4907 Table 10-1)

/** How the city field is coded. */
export enum CityScheme {
  /** UN/LOCODE, five characters: 2-letter country + 3-character location ("CNSHA"). */
  UnLocode = 1,
  /** A national numeric administrative code (e.g. China's 6-digit division code), up to 2^53-1. */
  NationalNumeric = 2,
  /** A GeoNames feature ID. */
  GeoNames = 3,
}

export interface CityCode {
  scheme: CityScheme;
  /** UN/LOCODE letters for scheme 1, the decimal number as a string for schemes 2 and 3. */
  code: string;
}

/** Quality flags of one KPI value (bit set). */
export enum KpiQuality {
  None = 0,
  /** Value was estimated or interpolated by the site. */
  Estimated = 1 << 0,
  /** Value was consolidated from several raw readings. */
  Consolidated = 1 << 1,
  /** Value was converted from another unit. */
  Converted = 1 << 2,
  /** Reading came from a provisional / not yet validated source. */
  Provisional = 1 << 3,
}

export interface KpiEntry {
  /** Compact numeric catalogue code (kpi/ catalogue), 1..65535. */
  code: number;
  /** Series index within the KPI (e.g. 0=PM10, 1=PM2.5 for air pollution); 0 when none. */
  series: number;
  /** Finite IEEE-754 double in the catalogue's canonical unit. */
  value: number;
  /** KpiQuality bit set, 0..15: bits 4..7 are reserved and must be zero (decoders reject them). */
  flags: number;
}

export interface KpiRecord {
  /** ISO 3166-1 numeric country code, 1..999. */
  country: number;
  city: CityCode;
  /** 16-byte IPv6 address of the sampling site (IPv4 as IPv4-mapped ::ffff:a.b.c.d). */
  siteId: Uint8Array;
  /** Collection time, UTC milliseconds since the Unix epoch. */
  time: number;
  entries: KpiEntry[];
  /** Extending part: a sequence of TLV items (see wire-format.md). May be empty. */
  extension: Uint8Array;
}

// ---------------------------------------------------------------- sealed packet (Table 10-2)

export enum SealAlgorithm {
  /** Per-packet ephemeral X25519 key + HKDF-SHA256 + AES-256-GCM. keyRef = 32-byte ephemeral public key. */
  EphemeralX25519 = 1,
  /** Negotiated session key + AES-256-GCM. keyRef = 16-byte session key ID. */
  SessionKey = 2,
}

export interface SealedPacket {
  alg: SealAlgorithm;
  /** ID of the SCP encryption key the packet is sealed for. */
  scpKeyId: KeyId;
  /** Ephemeral public key (32 bytes) or session key ID (16 bytes), by alg. */
  keyRef: Uint8Array;
  /** 12-byte AES-GCM base nonce; the record uses it as is, the digest part with its last bit flipped. */
  nonce: Uint8Array;
  /** AES-GCM ciphertext + 16-byte tag of the encoded KpiRecord. */
  encryptedRecord: Uint8Array;
  /** AES-GCM ciphertext + 16-byte tag of digest (32) || site signature over the digest (64). */
  encryptedDigest: Uint8Array;
}

// ---------------------------------------------------------------- transaction envelope

export enum EnvelopeKind {
  /** A sealed KPI packet uploaded by a sampling site. */
  KpiUpload = 1,
  /** A contract call (governance, registry, key directory) signed by an SCP administrator. */
  ContractCall = 2,
}

/** Clear routing metadata of an upload: where it comes from and which KPIs it carries, never values. */
export interface Routing {
  country: number;
  city: CityCode;
  siteId: Uint8Array;
  /** Distinct catalogue codes present in the record, ascending. */
  kpiCodes: number[];
}

interface EnvelopeCommon {
  /** SHA-256 of the genesis file: binds the envelope to one chain. */
  chainId: Hash32;
  /** Key ID of the signer (site key for uploads, admin key for contract calls). */
  signerKeyId: KeyId;
  /** Per-signer sequence number, starting at 1. */
  seq: number;
  /** Time the envelope was made, UTC ms. */
  time: number;
  /** Ed25519 signature over envelopeSigningBytes(). */
  signature: Signature;
}

export interface KpiUploadEnvelope extends EnvelopeCommon {
  kind: EnvelopeKind.KpiUpload;
  routing: Routing;
  /** Encoded SealedPacket bytes. */
  packet: Uint8Array;
}

export interface ContractCallEnvelope extends EnvelopeCommon {
  kind: EnvelopeKind.ContractCall;
  call: ContractCall;
}

export type Envelope = KpiUploadEnvelope | ContractCallEnvelope;

// ---------------------------------------------------------------- contract calls

export enum SiteStatus {
  Active = 1,
  Suspended = 2,
  Revoked = 3,
}

/** Chain parameters settable by governance. */
export interface ChainParams {
  /** Processing period: the primary proposes a block at least this often when it has envelopes (ms). */
  periodMs: number;
  maxBlockEnvelopes: number;
  maxBlockBytes: number;
  /** Base view-change timeout (ms). */
  viewTimeoutMs: number;
  /**
   * The envelope bounds, both or neither (setParams layout 2, docs/wire-format.md §5.3). Most a
   * site's sequence number may jump above its highest applied one. Absent: the value in force.
   */
  maxSeqGap?: number;
  /** Most an envelope's time may be after the block time (ms). Absent: the value in force. */
  maxEnvelopeFutureMs?: number;
  /**
   * Every node writes a snapshot of the contract state after each block whose height is a multiple
   * of this (docs/storage.md, Snapshots). Absent: the value in force, else DEFAULT_SNAPSHOT_INTERVAL.
   * Set in the genesis or by setParams (layout 3); a setParams without it keeps the value in force.
   */
  snapshotInterval?: number;
}

export interface ValidatorInfo {
  /** Ed25519 public key (32 bytes); also the libp2p identity of the node. */
  publicKey: Uint8Array;
}

/** The governance actions an approved proposal can carry. */
export type GovernanceAction =
  | {
      type: 'registerSite';
      publicKey: Uint8Array;
      country: number;
      city: CityCode;
      siteId: Uint8Array;
      /** Allowed catalogue codes, ascending, distinct. */
      kpiCodes: number[];
    }
  | { type: 'suspendSite'; siteKeyId: KeyId }
  | { type: 'resumeSite'; siteKeyId: KeyId }
  | { type: 'revokeSite'; siteKeyId: KeyId }
  | { type: 'rotateSiteKey'; siteKeyId: KeyId; newPublicKey: Uint8Array }
  | {
      type: 'addScpKey';
      /** X25519 public key (32 bytes). */
      publicKey: Uint8Array;
      notBefore: number;
      notAfter: number;
    }
  | { type: 'retireScpKey'; scpKeyId: KeyId }
  | { type: 'setParams'; params: ChainParams; activateAt: number }
  | { type: 'setValidators'; validators: ValidatorInfo[]; activateAt: number }
  | { type: 'setAdmins'; admins: Uint8Array[]; threshold: number }
  | RegisterCounterparty
  | { type: 'recoverClient'; clientId: number; substituteId: number };

export type ContractCall =
  /** Propose an action; the proposer's approval counts. Proposal ID = tracing code of this envelope. */
  | { type: 'propose'; action: GovernanceAction; expiresAt: number }
  | { type: 'approve'; proposalId: Hash32 }
  | XchainCall;

// ---------------------------------------------------------------- blocks and certificates

export interface BlockHeader {
  chainId: Hash32;
  height: number;
  /** PBFT view in which the block was proposed. */
  view: number;
  /** Proposer's time, UTC ms; strictly greater than the parent's. */
  time: number;
  parentHash: Hash32;
  /** Merkle root (RFC 9162 style) over the tracing codes of the block's envelopes. */
  txRoot: Hash32;
  txCount: number;
  /** State root after executing every block up to and including height - 1. */
  stateRoot: Hash32;
  /** Hash of the validator set that certifies this block. */
  validatorSetHash: Hash32;
  /** Index of the proposer in the validator set. */
  proposer: number;
  /**
   * Root of the block-hash log before this block: the RFC 9162 tree whose leaf i is the hash of
   * block i (leaf 0: the chain ID, block 1's parent), leaves 0..height-1 (crypto/hash-log.ts).
   */
  hashLogRoot: Hash32;
}

export interface Block {
  header: BlockHeader;
  /** Encoded envelopes in block order. */
  envelopes: Uint8Array[];
}

export interface CommitSignature {
  /** Index of the validator in the set named by the header's validatorSetHash. */
  validator: number;
  signature: Signature;
}

/** 2f+1 COMMIT signatures over commitSigningBytes(chainId, view, height, blockHash). */
export interface CommitCertificate {
  height: number;
  view: number;
  blockHash: Hash32;
  /** Ascending by validator index, no repeats. */
  signatures: CommitSignature[];
}

/** A committed block as the block log stores it and state transfer carries it. */
export interface CertifiedBlock {
  block: Block;
  certificate: CommitCertificate;
}

// ---------------------------------------------------------------- storage record (Table 10-3)

export interface StorageRecord {
  /** Data recorder: where the envelope sits inside its encoded block. */
  data: { height: number; index: number; offset: number; length: number };
  /** Block recorder: where the certified block sits in the block log. */
  block: { segment: number; offset: number; length: number };
  /** City data: the encoded SealedPacket (encrypted KPI). */
  cityData: Uint8Array;
  /** Chain ID as the chain's URL (e.g. "bkdms://<hex chain id>" or the RPC URL). */
  chainUrl: string;
  /** Tracing code: SHA-256 of the encoded envelope. */
  tracingCode: Hash32;
  /** Check code: SHA-256 over the other fields (see wire-format.md), detects a tampered record. */
  checkCode: Hash32;
}

// ---------------------------------------------------------------- consensus messages (PBFT)

export enum MessageType {
  PrePrepare = 1,
  Prepare = 2,
  Commit = 3,
  Checkpoint = 4,
  ViewChange = 5,
  NewView = 6,
  StateRequest = 7,
  StateResponse = 8,
}

interface Signed {
  /** Index of the sender in the validator set. */
  sender: number;
  /** Ed25519 signature over the message's signing bytes. */
  signature: Signature;
}

export interface PrePrepare extends Signed {
  type: MessageType.PrePrepare;
  view: number;
  seq: number;
  /** Block hash (hash of the encoded header). */
  digest: Hash32;
  block: Block;
}

export interface Prepare extends Signed {
  type: MessageType.Prepare;
  view: number;
  seq: number;
  digest: Hash32;
}

export interface Commit extends Signed {
  type: MessageType.Commit;
  view: number;
  seq: number;
  digest: Hash32;
}

export interface Checkpoint extends Signed {
  type: MessageType.Checkpoint;
  seq: number;
  /** Hash of the block at seq. */
  digest: Hash32;
}

/** Proof that a block was prepared: its pre-prepare (without body) and 2f matching prepares. */
export interface PreparedProof {
  view: number;
  seq: number;
  digest: Hash32;
  /** The pre-prepare's header and signature, enough to re-propose and to check the primary signed it. */
  header: BlockHeader;
  prePrepareSignature: Signature;
  prepares: { sender: number; signature: Signature }[];
  /**
   * Body of a block prepared but not yet committed by the sender, so a new primary that missed
   * the pre-prepare can re-propose it. Not signed: the header's txRoot binds it.
   */
  envelopes?: Uint8Array[];
}

export interface ViewChange extends Signed {
  type: MessageType.ViewChange;
  newView: number;
  /** Last stable checkpoint: seq, digest and 2f+1 signatures. */
  stableSeq: number;
  stableDigest: Hash32;
  checkpointProof: { sender: number; signature: Signature }[];
  prepared: PreparedProof[];
}

export interface NewView extends Signed {
  type: MessageType.NewView;
  view: number;
  /** 2f+1 view-change messages, each complete and signed. */
  viewChanges: ViewChange[];
  /** Pre-prepares of the new view for every seq in (min-s, max-s]; null blocks fill gaps. */
  prePrepares: PrePrepare[];
}

export interface StateRequest extends Signed {
  type: MessageType.StateRequest;
  fromHeight: number;
  toHeight: number;
  /**
   * The requester's public key, which signs the request (sender is then 0): a node joining by a
   * set it has not learnt yet has no index, and the peer may no longer hold the set the
   * requester's index belongs to. Without it the request names its signer by index.
   */
  key?: Uint8Array;
}

/** A stable checkpoint: 2f+1 CHECKPOINT signatures over (seq, digest). */
export interface CheckpointProof {
  seq: number;
  digest: Hash32;
  signatures: { sender: number; signature: Signature }[];
}

export interface StateResponse extends Signed {
  type: MessageType.StateResponse;
  blocks: CertifiedBlock[];
  /** The responder's stable checkpoint, so a replica that caught up can move its low watermark. */
  checkpoint?: CheckpointProof;
  /**
   * Present only in a pruned answer (no blocks): the responder holds no block body below this
   * height, so the request's first block is not served here and the requester asks elsewhere.
   */
  earliestHeight?: number;
}

export type ConsensusMessage =
  | PrePrepare
  | Prepare
  | Commit
  | Checkpoint
  | ViewChange
  | NewView
  | StateRequest
  | StateResponse;

// ---------------------------------------------------------------- durable consensus records
// What the consensus driver keeps on disk (codec/consensus-state.ts, docs/wire-format.md §12):
// the replica's own votes and view (consensus/ produces and restores it) and evidence.

export enum VoteKind {
  PrePrepare = 'pre-prepare',
  Prepare = 'prepare',
  Commit = 'commit',
  NewView = 'new-view',
}

/** A signature this replica gave: never give another for the same (kind, view, seq). */
export interface Vote {
  kind: VoteKind;
  view: number;
  seq: number;
  digest: Hash32;
}

/** What must be durable before the messages of the same Ready leave. */
export interface PersistentState {
  view: number;
  inViewChange: boolean;
  stable: CheckpointProof;
  /** Own votes in the current view and above, for seq above the stable checkpoint. */
  votes: Vote[];
  /**
   * Prepared certificates above the stable checkpoint, highest view per seq (VIEW-CHANGE needs
   * them); the one for a block not yet committed carries its envelopes.
   */
  prepared: PreparedProof[];
  /** The last VIEW-CHANGE this replica signed, re-sent as is after a restart. */
  viewChange: ViewChange | null;
  /**
   * The NEW-VIEW that started the current view (null during a view change), without block bodies:
   * after a restart this replica still answers a replica that missed it (docs/consensus.md §4).
   * Absent in snapshots written before it was kept.
   */
  newView?: NewView | null;
}

export enum EvidenceKind {
  ConflictingPrePrepare = 'conflicting-pre-prepare',
  ConflictingPrepare = 'conflicting-prepare',
  ConflictingCommit = 'conflicting-commit',
}

/** Evidence as stored: two messages of `kind`'s type signed by `offender` (its public key). */
export interface EvidenceRecord {
  kind: EvidenceKind;
  offender: Uint8Array;
  first: PrePrepare | Prepare | Commit;
  second: PrePrepare | Prepare | Commit;
}
