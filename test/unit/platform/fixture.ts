// A small genuine chain for the platform tests: four validators, one admin, two sites, one SCP
// X25519 key, uploads sealed with the real crypto, contract calls signed by the admin, and
// certified blocks (real Merkle roots, parent hashes, state roots from executing the chain with
// the ledger the nodes run, quorum certificates) behind a fake ChainSource. Nothing is mocked below
// the ChainSource interface.
import type { TraceBundleBytes } from '../../../api/types.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCertifiedBlock, encodeCommitCertificate } from '../../../codec/certificate.js';
import { encodeEnvelope, envelopeAad } from '../../../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../../../codec/envelope-view.js';
import { encodeKpiRecord } from '../../../codec/kpi-record.js';
import { encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { blockHeaderHashInput, commitSigningBytes } from '../../../codec/signing.js';
import {
  type BlockHeader,
  CityScheme,
  type ContractCall,
  EnvelopeKind,
  type GovernanceAction,
  type KpiEntry,
  type KpiRecord,
  SealAlgorithm,
} from '../../../codec/types.js';
import { validatorSetHash } from '../../../crypto/certificate.js';
import { type Ed25519KeyPair, ed25519FromSeed, sign } from '../../../crypto/ed25519.js';
import { sha256, tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { MerkleTree } from '../../../crypto/merkle.js';
import type { SealTarget } from '../../../crypto/seal.js';
import { sealKpiRecord } from '../../../crypto/seal.js';
import { x25519FromPrivate } from '../../../crypto/x25519.js';
import { Contracts } from '../../../ledger/contracts.js';
import { genesisState, type LedgerGenesis } from '../../../ledger/genesis.js';
import type { ChainBlock, ChainSource } from '../../../platform/chain-source.js';

export function bytes(n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

export const chainId = sha256(bytes(8, 7));
export const validatorKeys = [1, 2, 3, 4].map((i) => ed25519FromSeed(bytes(32, i)));
export const adminKey = ed25519FromSeed(bytes(32, 0x41));
export const scpKey = x25519FromPrivate(bytes(32, 0x51));
export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;

export const UNEMPLOYMENT = 12201;
export const ELECTRICITY = 13303;

export interface TestSite {
  key: Ed25519KeyPair;
  country: number;
  city: { scheme: CityScheme; code: string };
  siteId: Uint8Array;
}

function siteIdOf(last: number): Uint8Array {
  const id = new Uint8Array(16);
  id[10] = 0xff;
  id[11] = 0xff;
  id.set([10, 0, 0, last], 12);
  return id;
}

export const siteA: TestSite = {
  key: ed25519FromSeed(bytes(32, 0x61)),
  country: 156,
  city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
  siteId: siteIdOf(1),
};
export const siteB: TestSite = {
  key: ed25519FromSeed(bytes(32, 0x62)),
  country: 156,
  city: { scheme: CityScheme.UnLocode, code: 'CNBJS' },
  siteId: siteIdOf(2),
};

export function registerAction(s: TestSite, kpiCodes = [UNEMPLOYMENT, ELECTRICITY]) {
  return {
    type: 'registerSite' as const,
    publicKey: s.key.publicKey,
    country: s.country,
    city: s.city,
    siteId: s.siteId,
    kpiCodes,
  };
}

export const genesis: LedgerGenesis = {
  chainId,
  validators: validatorKeys.map((k) => k.publicKey),
  admins: [adminKey.publicKey],
  threshold: 1,
  sites: [registerAction(siteA), registerAction(siteB)],
  scpKeys: [{ publicKey: scpKey.publicKey, notBefore: 0, notAfter: T0 + 1000 * HOUR }],
  params: { periodMs: HOUR, maxBlockEnvelopes: 1000, maxBlockBytes: 4_000_000, viewTimeoutMs: 4000 },
};

export function record(s: TestSite, time: number, entries: KpiEntry[]): KpiRecord {
  return { country: s.country, city: s.city, siteId: s.siteId, time, entries, extension: new Uint8Array(0) };
}

export function entry(code: number, value: number, series = 0): KpiEntry {
  return { code, series, value, flags: 0 };
}

export interface UploadOptions {
  /** Routing to put in clear instead of the record's own (for mismatch tests). */
  routing?: Partial<{ country: number; kpiCodes: number[] }>;
  target?: SealTarget;
  /** Signs the digest with this key instead of the site's. */
  digestKey?: Ed25519KeyPair;
  /** Flips a ciphertext byte after sealing (the envelope stays validly signed). */
  corrupt?: boolean;
}

/** A signed KpiUpload envelope, sealed for the SCP key (ephemeral unless `target` says otherwise). */
export function upload(s: TestSite, seq: number, rec: KpiRecord, opts: UploadOptions = {}): Uint8Array {
  const routing = {
    country: opts.routing?.country ?? rec.country,
    city: rec.city,
    siteId: rec.siteId,
    kpiCodes: opts.routing?.kpiCodes ?? [...new Set(rec.entries.map((e) => e.code))].sort((a, b) => a - b),
  };
  const header = { chainId, signerKeyId: keyIdOf(s.key.publicKey), seq, time: rec.time + 1000, routing };
  const target = opts.target ?? { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: scpKey.publicKey };
  const sealed = sealKpiRecord(opts.digestKey ?? s.key, encodeKpiRecord(rec), envelopeAad(header), target);
  if (opts.corrupt) sealed.encryptedRecord[0]! ^= 1;
  const env = encodeEnvelope({
    kind: EnvelopeKind.KpiUpload,
    ...header,
    packet: encodeSealedPacket(sealed),
    signature: new Uint8Array(64),
  });
  setEnvelopeSignature(env, sign(s.key, envelopeSignedRegion(env)));
  return env;
}

/** A ContractCall envelope signed by `key` (the admin by default). */
export function contractCall(call: ContractCall, seq: number, key = adminKey): Uint8Array {
  const env = encodeEnvelope({
    kind: EnvelopeKind.ContractCall,
    chainId,
    signerKeyId: keyIdOf(key.publicKey),
    seq,
    time: T0,
    call,
    signature: new Uint8Array(64),
  });
  setEnvelopeSignature(env, sign(key, envelopeSignedRegion(env)));
  return env;
}

export function propose(action: GovernanceAction, seq: number): Uint8Array {
  return contractCall({ type: 'propose', action, expiresAt: T0 + 1000 * HOUR }, seq);
}

interface Built {
  header: BlockHeader;
  envelopes: Uint8Array[];
  tree: MerkleTree;
  certifiedBlock: Uint8Array;
  certificate: Uint8Array;
}

/** An in-memory chain of certified blocks and the ChainSource over it. */
export class FakeChain implements ChainSource {
  readonly built: Built[] = [];
  /** Block 1's parent is the genesis hash (the chain ID). */
  private parent: Uint8Array = chainId;
  /** The block-hash log over blocks 0..tip, leaf 0 the genesis hash (crypto/hash-log.ts). */
  readonly hashLog = LogFrontier.empty();
  /** The chain's contracts, executed block by block as a node does: headers carry their roots. */
  readonly ledger = new Contracts(genesisState(genesis).state, chainId);

  constructor(private readonly signers: Ed25519KeyPair[] = validatorKeys) {}

  /**
   * Appends a block of `envelopes` certified by validators `by` (indexes); returns its height.
   * `stateRoot` replaces the root of the executed chain in the header (a quorum certifying a state
   * the contracts do not give); `hashLogRoot` likewise replaces the root of the block-hash log.
   */
  append(
    envelopes: Uint8Array[],
    by = [0, 1, 2],
    time?: number,
    stateRoot?: Uint8Array,
    hashLogRoot?: Uint8Array,
  ): number {
    const height = this.built.length + 1;
    const tree = new MerkleTree(envelopes.map(tracingCode));
    if (this.hashLog.size === 0) this.hashLog.append(this.parent);
    const header: BlockHeader = {
      chainId,
      height,
      view: 0,
      time: time ?? T0 + height * HOUR + 5000,
      parentHash: this.parent,
      txRoot: tree.root(),
      txCount: envelopes.length,
      stateRoot: stateRoot ?? this.ledger.stateRoot(),
      validatorSetHash: validatorSetHash(this.signers.map((k) => k.publicKey)),
      proposer: 0,
      hashLogRoot: hashLogRoot ?? this.hashLog.root(),
    };
    const headerBytes = encodeBlockHeader(header);
    const blockHash = sha256(blockHeaderHashInput(headerBytes));
    const vote = commitSigningBytes(chainId, 0, height, blockHash);
    const cert = {
      height,
      view: 0,
      blockHash,
      signatures: by.map((v) => ({ validator: v, signature: sign(this.signers[v]!, vote) })),
    };
    const certifiedBlock = encodeCertifiedBlock({ block: { header, envelopes }, certificate: cert });
    this.ledger.applyBlock({ header, envelopes });
    this.built.push({ header, envelopes, tree, certifiedBlock, certificate: encodeCommitCertificate(cert) });
    this.parent = blockHash;
    this.hashLog.append(blockHash);
    return height;
  }

  async *blocks(fromHeight: number): AsyncIterable<ChainBlock> {
    for (let h = fromHeight; h <= this.built.length; h++)
      yield { height: h, certifiedBlock: this.built[h - 1]!.certifiedBlock };
  }

  async getBlock(height: number): Promise<Uint8Array> {
    const b = this.built[height - 1];
    if (!b) throw new Error(`no block ${height}`);
    return b.certifiedBlock;
  }

  async trace(tc: Uint8Array): Promise<TraceBundleBytes> {
    for (const b of this.built) {
      const i = b.envelopes.findIndex((e) => Buffer.compare(tracingCode(e), tc) === 0);
      if (i >= 0)
        return {
          envelope: b.envelopes[i]!,
          header: encodeBlockHeader(b.header),
          leafIndex: i,
          proof: b.tree.inclusionProof(i).path,
          certificate: b.certificate,
          height: b.header.height,
        };
    }
    throw new Error('unknown tracing code');
  }
}
