import { createHash } from 'node:crypto';
import type { BodiesRequest, ProposalRef } from '../../../codec/proposal-ref.js';
// The structures and hex of docs/wire-format.md §Test vectors; the tests check both directions.
import { encodeSealedPacket } from '../../../codec/sealed-packet.js';
import {
  type Block,
  type BlockHeader,
  type CertifiedBlock,
  type Checkpoint,
  CityScheme,
  type Commit,
  type CommitCertificate,
  type ContractCallEnvelope,
  EnvelopeKind,
  EvidenceKind,
  type EvidenceRecord,
  type KpiRecord,
  type KpiUploadEnvelope,
  MessageType,
  type NewView,
  type PersistentState,
  type PrePrepare,
  type Prepare,
  SealAlgorithm,
  type SealedPacket,
  type StateRequest,
  type StateResponse,
  type StorageRecord,
  type ViewChange,
  VoteKind,
} from '../../../codec/types.js';
import { unhex } from './hex.js';

/** The record of docs/wire-format.md §Test vectors. */
export const vectorRecord: KpiRecord = {
  country: 156,
  city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
  siteId: unhex('00000000000000000000ffffc0000201'),
  time: 1_700_000_000_000,
  entries: [
    { code: 12, series: 0, value: 21.5, flags: 0 },
    { code: 12, series: 1, value: -0.25, flags: 3 },
  ],
  extension: unhex('01000261 62'),
};
export const vectorRecordHex =
  '01 009c 01 434e534841000000 00000000000000000000ffffc0000201 0000018bcfe56800 02 0005' +
  ' 000c 00 00 4035800000000000 000c 01 03 bfd0000000000000 0100026162';

/** The packet of docs/wire-format.md §Test vectors. */
export const vectorPacket: SealedPacket = {
  alg: SealAlgorithm.SessionKey,
  scpKeyId: new Uint8Array(16).fill(0xa1),
  keyRef: new Uint8Array(16).fill(0xb2),
  nonce: new Uint8Array(12).fill(0xc3),
  encryptedDigest: new Uint8Array(112).fill(0xd4),
  encryptedRecord: new Uint8Array(55).fill(0xe5),
};
/** Sealed packet, algorithm 1: the key reference is a 32-byte ephemeral X25519 public key (b2…). */
export const vectorPacketEphemeral: SealedPacket = {
  ...vectorPacket,
  alg: SealAlgorithm.EphemeralX25519,
  keyRef: new Uint8Array(32).fill(0xb2),
};
export const vectorPacketHex =
  '0102' + 'a1'.repeat(16) + 'b2'.repeat(16) + 'c3'.repeat(12) + 'd4'.repeat(112) + '0037' + 'e5'.repeat(55);

export const header = {
  chainId: new Uint8Array(32).fill(0x11),
  signerKeyId: new Uint8Array(16).fill(0x22),
  seq: 7,
  time: 1_700_000_000_000,
  signature: new Uint8Array(64).fill(0x33),
};
export const vectorUpload: KpiUploadEnvelope = {
  kind: EnvelopeKind.KpiUpload,
  ...header,
  routing: {
    country: 156,
    city: { scheme: CityScheme.NationalNumeric, code: '310000' },
    siteId: new Uint8Array(16).fill(0x44),
    kpiCodes: [12, 40],
  },
  packet: encodeSealedPacket(vectorPacket),
};
export const vectorApprove: ContractCallEnvelope = {
  kind: EnvelopeKind.ContractCall,
  ...header,
  call: { type: 'approve', proposalId: new Uint8Array(32).fill(0x55) },
};
/** Proposal to register a site (public key 66…, the record's country, city and site, KPIs 12 and 40). */
export const vectorPropose: ContractCallEnvelope = {
  kind: EnvelopeKind.ContractCall,
  ...header,
  call: {
    type: 'propose',
    expiresAt: 1_700_086_400_000,
    action: {
      type: 'registerSite',
      publicKey: new Uint8Array(32).fill(0x66),
      country: 156,
      city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
      siteId: unhex('00000000000000000000ffffc0000201'),
      kpiCodes: [12, 40],
    },
  },
};
const setParams = { periodMs: 1000, maxBlockEnvelopes: 2000, maxBlockBytes: 4_194_304, viewTimeoutMs: 3000 };
/** Proposal to change the chain parameters at height 300, layout 1 (type 8: no envelope bounds). */
export const vectorSetParams: ContractCallEnvelope = {
  kind: EnvelopeKind.ContractCall,
  ...header,
  call: {
    type: 'propose',
    expiresAt: 1_700_086_400_000,
    action: { type: 'setParams', params: setParams, activateAt: 300 },
  },
};
/** The same with the envelope bounds, layout 2 (type 11). */
export const vectorSetParamsBounds: ContractCallEnvelope = {
  kind: EnvelopeKind.ContractCall,
  ...header,
  call: {
    type: 'propose',
    expiresAt: 1_700_086_400_000,
    action: {
      type: 'setParams',
      params: { ...setParams, maxSeqGap: 1_000_000, maxEnvelopeFutureMs: 300_000 },
      activateAt: 300,
    },
  },
};
/** The same parameters with snapshotInterval 1,000 and no bounds, layout 3 (type 14). */
export const vectorSetParamsSnapshot: ContractCallEnvelope = {
  kind: EnvelopeKind.ContractCall,
  ...header,
  call: {
    type: 'propose',
    expiresAt: 1_700_086_400_000,
    action: { type: 'setParams', params: { ...setParams, snapshotInterval: 1000 }, activateAt: 300 },
  },
};
const headerHex = (kind: string) =>
  `01${kind}${'11'.repeat(32)}${'22'.repeat(16)}0000000000000007` + '0000018bcfe56800';
export const vectorUploadAadHex = `${headerHex('01')}009c02000000000004baf0${'44'.repeat(16)}0002000c0028`;
export const vectorApproveHex = `${headerHex('02')}02${'55'.repeat(32)}${'33'.repeat(64)}`;

/** Block of docs/wire-format.md §Test vectors: two opaque envelopes. */
export const vectorHeader: BlockHeader = {
  chainId: new Uint8Array(32).fill(0x11),
  height: 258,
  view: 3,
  time: 1_700_000_000_000,
  parentHash: new Uint8Array(32).fill(0xaa),
  txRoot: new Uint8Array(32).fill(0xbb),
  txCount: 2,
  stateRoot: new Uint8Array(32).fill(0xcc),
  validatorSetHash: new Uint8Array(32).fill(0xdd),
  proposer: 1,
  hashLogRoot: new Uint8Array(32).fill(0x5a),
};
export const vectorBlock: Block = {
  header: vectorHeader,
  envelopes: [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5)],
};
export const vectorHeaderHex =
  `01${'11'.repeat(32)}0000000000000102${'0000000000000003'}0000018bcfe56800` +
  `${'aa'.repeat(32)}${'bb'.repeat(32)}00000002${'cc'.repeat(32)}${'dd'.repeat(32)}0001${'5a'.repeat(32)}`;
export const vectorBlockHex = `${vectorHeaderHex}00000003010203000000020405`;

export const vectorCertificate: CommitCertificate = {
  height: 258,
  view: 3,
  blockHash: new Uint8Array(32).fill(0xee),
  signatures: [
    { validator: 0, signature: new Uint8Array(64).fill(0x01) },
    { validator: 2, signature: new Uint8Array(64).fill(0x02) },
  ],
};
export const vectorCertificateHex = `0100000000000001020000000000000003${'ee'.repeat(32)}0002${'0000'}${'01'.repeat(64)}0002${'02'.repeat(64)}`;

export const vectorStorageRecord: StorageRecord = {
  data: { height: 258, index: 1, offset: 198, length: 2 },
  block: { segment: 0, offset: 4096, length: 400 },
  tracingCode: new Uint8Array(32).fill(0x77),
  chainUrl: 'bkdms://x',
  cityData: encodeSealedPacket(vectorPacket),
  checkCode: new Uint8Array(32).fill(0x88),
};
export const vectorStorageRecordHex =
  `01000000000000010200000001000000c600000002` +
  `000000000000000000001000${'00000190'}${'77'.repeat(32)}0009626b646d733a2f2f78` +
  `00d7${vectorPacketHex}${'88'.repeat(32)}`;

// PBFT messages of docs/wire-format.md §Test vectors: chain 11…, the block above at height (seq)
// 258 proposed in view 3 with block hash ee… (the certificate's), the stable checkpoint at 256
// with digest 99…. Signatures are fill bytes: f1… the PRE-PREPARE's, f2… the PREPARE's, and so on
// by message type; the COMMIT's is the certificate's signature of validator 0.
const sig = (b: number) => new Uint8Array(64).fill(b);
const blockHash = new Uint8Array(32).fill(0xee);
const checkpointDigest = new Uint8Array(32).fill(0x99);

export const vectorPrePrepare: PrePrepare = {
  type: MessageType.PrePrepare,
  sender: 1,
  signature: sig(0xf1),
  view: 3,
  seq: 258,
  digest: blockHash,
  block: vectorBlock,
};
export const vectorPrepare: Prepare = {
  type: MessageType.Prepare,
  sender: 2,
  signature: sig(0xf2),
  view: 3,
  seq: 258,
  digest: blockHash,
};
export const vectorCommit: Commit = {
  type: MessageType.Commit,
  sender: 0,
  signature: sig(0x01),
  view: 3,
  seq: 258,
  digest: blockHash,
};
export const vectorCheckpoint: Checkpoint = {
  type: MessageType.Checkpoint,
  sender: 2,
  signature: sig(0xf4),
  seq: 256,
  digest: checkpointDigest,
};
/** Validator 3 moves to view 4: checkpoint 256 proven by validator 2's CHECKPOINT, block 258 prepared. */
export const vectorViewChange: ViewChange = {
  type: MessageType.ViewChange,
  sender: 3,
  signature: sig(0xf5),
  newView: 4,
  stableSeq: 256,
  stableDigest: checkpointDigest,
  checkpointProof: [{ sender: 2, signature: sig(0xf4) }],
  prepared: [
    {
      view: 3,
      seq: 258,
      digest: blockHash,
      header: vectorHeader,
      prePrepareSignature: sig(0xf1),
      prepares: [{ sender: 2, signature: sig(0xf2) }],
      envelopes: vectorBlock.envelopes,
    },
  ],
};
/** The primary of view 4 (validator 0) re-proposes block 258 on the VIEW-CHANGE above. */
export const vectorNewView: NewView = {
  type: MessageType.NewView,
  sender: 0,
  signature: sig(0xf6),
  view: 4,
  viewChanges: [vectorViewChange],
  prePrepares: [{ ...vectorPrePrepare, sender: 0, signature: sig(0xf0), view: 4 }],
};
/** A node asks for heights 257..272, naming itself by its public key a7… (sender is then 0). */
export const vectorStateRequest: StateRequest = {
  type: MessageType.StateRequest,
  sender: 0,
  signature: sig(0xf7),
  fromHeight: 257,
  toHeight: 272,
  key: new Uint8Array(32).fill(0xa7),
};
/** The same request by validator 1, named by its index (no key). */
export const vectorStateRequestByIndex: StateRequest = {
  type: MessageType.StateRequest,
  sender: 1,
  signature: sig(0xf7),
  fromHeight: 257,
  toHeight: 272,
};
export const vectorCertifiedBlock: CertifiedBlock = { block: vectorBlock, certificate: vectorCertificate };
/** Validator 2 answers with the certified block above and its stable checkpoint. */
export const vectorStateResponse: StateResponse = {
  type: MessageType.StateResponse,
  sender: 2,
  signature: sig(0xf8),
  blocks: [vectorCertifiedBlock],
  checkpoint: { seq: 256, digest: checkpointDigest, signatures: [{ sender: 2, signature: sig(0xf4) }] },
};
/** Validator 2, pruned below 4097, answers that request with its earliest height. */
export const vectorStateResponsePruned: StateResponse = {
  type: MessageType.StateResponse,
  sender: 2,
  signature: sig(0xf8),
  blocks: [],
  earliestHeight: 4097,
};

// Durable records (docs/wire-format.md §12).
/**
 * What validator 3 persists once it has prepared block 258 in view 3 and sent its PREPARE and
 * COMMIT: its stable checkpoint 256 (validator 2's CHECKPOINT), both votes, and the prepared
 * proof of the VIEW-CHANGE vector with the block's body; no view change under way.
 */
export const vectorConsensusState: PersistentState = {
  view: 3,
  inViewChange: false,
  stable: { seq: 256, digest: checkpointDigest, signatures: [{ sender: 2, signature: sig(0xf4) }] },
  votes: [
    { kind: VoteKind.Prepare, view: 3, seq: 258, digest: blockHash },
    { kind: VoteKind.Commit, view: 3, seq: 258, digest: blockHash },
  ],
  prepared: vectorViewChange.prepared,
  viewChange: null,
  newView: null,
};
/** Validator 2 (public key a2…) signed the PREPARE vector and a second PREPARE for digest ab…. */
export const vectorEvidence: EvidenceRecord = {
  kind: EvidenceKind.ConflictingPrepare,
  offender: new Uint8Array(32).fill(0xa2),
  first: vectorPrepare,
  second: { ...vectorPrepare, digest: new Uint8Array(32).fill(0xab) },
};

// A PRE-PREPARE by reference (§9.10): the vector PRE-PREPARE's header and the tracing codes
// (SHA-256) of its two envelopes; the BODIES exchange for the second envelope only.
const sha256Of = (hexBytes: string) => new Uint8Array(createHash('sha256').update(unhex(hexBytes)).digest());
export const vectorProposal: ProposalRef = {
  sender: 1,
  signature: sig(0xf1),
  view: 3,
  seq: 258,
  digest: blockHash,
  header: vectorBlock.header,
  codes: [sha256Of('010203'), sha256Of('0405')],
};
export const vectorBodiesRequest: BodiesRequest = { digest: blockHash, indexes: [1] };
export const vectorBodiesResponse: Uint8Array[] = [unhex('0405')];
