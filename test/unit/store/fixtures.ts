// Test chain builder shared by the store and contracts suites: deterministic keys, a genesis,
// signed upload and contract-call envelopes, and certified blocks built with codec and crypto.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBlockHeader } from '../../../codec/block.js';
import { ENCRYPTED_DIGEST_BYTES, MIN_ENCRYPTED_RECORD_BYTES } from '../../../codec/caps.js';
import {
  decodeCertifiedBlock,
  encodeCertifiedBlock,
  encodeCommitCertificate,
} from '../../../codec/certificate.js';
import { encodeEnvelope } from '../../../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../../../codec/envelope-view.js';
import { encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { blockHeaderHashInput, commitSigningBytes } from '../../../codec/signing.js';
import {
  type CertifiedBlock,
  CityScheme,
  type ContractCall,
  EnvelopeKind,
  type Routing,
  SealAlgorithm,
} from '../../../codec/types.js';
import { commitQuorum, validatorSetHash } from '../../../crypto/certificate.js';
import { type Ed25519KeyPair, ed25519FromSeed, sign } from '../../../crypto/ed25519.js';
import { sha256, tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { merkleRoot } from '../../../crypto/merkle.js';
import { CATALOGUE } from '../../../kpi/catalogue.js';
import { type Genesis, parseGenesis } from '../../../node/genesis.js';

export function keyPair(tag: number): Ed25519KeyPair {
  return ed25519FromSeed(new Uint8Array(32).fill(tag));
}

export function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Four KPI wire codes from the catalogue, ascending. */
export const KPIS = CATALOGUE.slice(0, 4)
  .map((k) => k.wire)
  .sort((a, b) => a - b);

export interface TestSite {
  key: Ed25519KeyPair;
  routing: Routing;
}

export function site(tag: number, key = keyPair(100 + tag)): TestSite {
  const siteId = new Uint8Array(16);
  siteId[10] = 0xff;
  siteId[11] = 0xff;
  siteId.set([10, 0, 0, tag], 12);
  return {
    key,
    routing: {
      country: 156,
      city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
      siteId,
      kpiCodes: KPIS.slice(0, 2),
    },
  };
}

export interface TestChain {
  genesis: Genesis;
  /** The genesis file's JSON, from which `genesis` is parsed. */
  genesisJson: Record<string, unknown>;
  validators: Ed25519KeyPair[];
  admins: Ed25519KeyPair[];
  sites: TestSite[];
}

export function testChain(
  opts: { validators?: number; admins?: number; threshold?: number; sites?: number } = {},
): TestChain {
  const validators = Array.from({ length: opts.validators ?? 4 }, (_, i) => keyPair(1 + i));
  const admins = Array.from({ length: opts.admins ?? 3 }, (_, i) => keyPair(50 + i));
  const sites = Array.from({ length: opts.sites ?? 2 }, (_, i) => site(1 + i));
  const genesisJson = {
    chainName: 'test-chain',
    genesisTime: '2026-01-01T00:00:00Z',
    validators: validators.map((v) => hexOf(v.publicKey)),
    admins: { publicKeys: admins.map((a) => hexOf(a.publicKey)), threshold: opts.threshold ?? 2 },
    sites: sites.map((s) => ({
      publicKey: hexOf(s.key.publicKey),
      country: 'CN',
      city: 'locode:CNSHA',
      siteId: `10.0.0.${s.routing.siteId[15]}`,
      kpis: KPIS,
    })),
    scpKeys: [
      {
        publicKey: hexOf(new Uint8Array(32).fill(9)),
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2027-01-01T00:00:00Z',
      },
    ],
    params: { periodMs: 1000, maxBlockEnvelopes: 1000, maxBlockBytes: 4_000_000, viewTimeoutMs: 4000 },
  };
  return { genesis: parseGenesis(genesisJson), genesisJson, validators, admins, sites };
}

function packet(tag: number): Uint8Array {
  return encodeSealedPacket({
    alg: SealAlgorithm.EphemeralX25519,
    scpKeyId: new Uint8Array(16).fill(1),
    keyRef: new Uint8Array(32).fill(2),
    nonce: new Uint8Array(12).fill(3),
    encryptedRecord: new Uint8Array(MIN_ENCRYPTED_RECORD_BYTES + 40).fill(tag & 0xff),
    encryptedDigest: new Uint8Array(ENCRYPTED_DIGEST_BYTES).fill(5),
  });
}

function signEnvelope(bytes: Uint8Array, key: Ed25519KeyPair): Uint8Array {
  setEnvelopeSignature(bytes, sign(key, envelopeSignedRegion(bytes)));
  return bytes;
}

export function upload(
  chainId: Uint8Array,
  s: TestSite,
  seq: number,
  time: number,
  routing: Partial<Routing> = {},
): Uint8Array {
  const env = encodeEnvelope({
    kind: EnvelopeKind.KpiUpload,
    chainId,
    signerKeyId: keyIdOf(s.key.publicKey),
    seq,
    time,
    signature: new Uint8Array(64),
    routing: { ...s.routing, ...routing },
    packet: packet(seq),
  });
  return signEnvelope(env, s.key);
}

export function call(
  chainId: Uint8Array,
  admin: Ed25519KeyPair,
  seq: number,
  time: number,
  c: ContractCall,
): Uint8Array {
  const env = encodeEnvelope({
    kind: EnvelopeKind.ContractCall,
    chainId,
    signerKeyId: keyIdOf(admin.publicKey),
    seq,
    time,
    signature: new Uint8Array(64),
    call: c,
  });
  return signEnvelope(env, admin);
}

/**
 * `env` with key `b` overwritten by key `a` wherever it appears, re-signed by `signer`: a key list
 * that repeats a key, which the encoder refuses to write, as a writer skipping its checks sends it.
 */
export function withKeyRepeated(
  env: Uint8Array,
  a: Uint8Array,
  b: Uint8Array,
  signer: Ed25519KeyPair,
): Uint8Array {
  const out = Uint8Array.from(env);
  for (
    let at = Buffer.from(out).indexOf(Buffer.from(b));
    at >= 0;
    at = Buffer.from(out).indexOf(Buffer.from(b))
  )
    out.set(a, at);
  return signEnvelope(out, signer);
}

export interface BuiltBlock {
  bytes: Uint8Array;
  decoded: CertifiedBlock;
  hash: Uint8Array;
}

/** A block at `height` over `envelopes`, certified by the first 2f+1 validators. */
export function certifiedBlock(
  chain: TestChain,
  height: number,
  envelopes: Uint8Array[],
  opts: {
    parentHash?: Uint8Array;
    time?: number;
    stateRoot?: Uint8Array;
    signers?: Ed25519KeyPair[];
    hashLogRoot?: Uint8Array;
  } = {},
): BuiltBlock {
  const validatorKeys = chain.validators.map((v) => v.publicKey);
  const header = {
    chainId: chain.genesis.chainId,
    height,
    view: 0,
    time: opts.time ?? chain.genesis.genesisTime + height * 1000,
    parentHash: opts.parentHash ?? new Uint8Array(32),
    txRoot: merkleRoot(envelopes.map(tracingCode)),
    txCount: envelopes.length,
    stateRoot: opts.stateRoot ?? new Uint8Array(32),
    validatorSetHash: validatorSetHash(validatorKeys),
    proposer: 0,
    hashLogRoot: opts.hashLogRoot ?? new Uint8Array(32),
  };
  const hash = sha256(blockHeaderHashInput(encodeBlockHeader(header)));
  const message = commitSigningBytes(chain.genesis.chainId, 0, height, hash);
  const signers = opts.signers ?? chain.validators.slice(0, commitQuorum(chain.validators.length));
  const signatures = signers
    .map((k) => ({ validator: chain.validators.indexOf(k), signature: sign(k, message) }))
    .sort((a, b) => a.validator - b.validator);
  const bytes = encodeCertifiedBlock({
    block: { header, envelopes },
    certificate: { height, view: 0, blockHash: hash, signatures },
  });
  return { bytes, decoded: decodeCertifiedBlock(bytes), hash };
}

/** How one block of linkedChain deviates from the honest one (the later blocks still build on it). */
export type BlockTweak = Parameters<typeof certifiedBlock>[3];

/**
 * `n` certified blocks chained from the genesis hash, each header carrying the block-hash log of
 * the blocks before it; `roots[h - 1]` is header h's log root, `roots[n]` the log after block n.
 * `tweak(h)` overrides block h's header fields (a fork, a forged root, other signers); `body(h)`
 * is block h's envelopes (none by default).
 */
export function linkedChain(
  chain: TestChain,
  n: number,
  tweak: (height: number) => BlockTweak = () => ({}),
  body: (height: number) => Uint8Array[] = () => [],
): { blocks: BuiltBlock[]; roots: Uint8Array[] } {
  const log = LogFrontier.empty();
  let parent = chain.genesis.chainId;
  log.append(parent);
  const blocks: BuiltBlock[] = [];
  const roots: Uint8Array[] = [];
  for (let h = 1; h <= n; h++) {
    roots.push(log.root());
    const b = certifiedBlock(chain, h, body(h), { parentHash: parent, hashLogRoot: log.root(), ...tweak(h) });
    blocks.push(b);
    log.append(b.hash);
    parent = b.hash;
  }
  roots.push(log.root());
  return { blocks, roots };
}

/** `n` linked blocks, block h holding one upload of the first site with sequence number and time h. */
export function uploadChain(chain: TestChain, n: number): BuiltBlock[] {
  const id = chain.genesis.chainId;
  return linkedChain(chain, n, undefined, (h) => [upload(id, chain.sites[0]!, h, h)]).blocks;
}

/** A block's header and certificate as GetHeaders serves them. */
export function headerBytesOf(b: BuiltBlock): {
  height: number;
  header: Uint8Array;
  certificate: Uint8Array;
} {
  return {
    height: b.decoded.block.header.height,
    header: encodeBlockHeader(b.decoded.block.header),
    certificate: encodeCommitCertificate(b.decoded.certificate),
  };
}

/** A fresh temporary directory and its cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bkdms-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
