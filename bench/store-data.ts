// Synthetic chain for bench/store: a genesis with SITES registered sites and blocks of unsigned
// upload envelopes (the store and contracts do not verify signatures: admission did), certified
// by 3 of 4 validators, with the per-array caches a node's block validation fills before a commit.
// Built block by block so 10^6 envelopes never sit in memory at once.

import { encodeBlockHeader } from '../codec/block.js';
import { ENCRYPTED_DIGEST_BYTES, MIN_ENCRYPTED_RECORD_BYTES } from '../codec/caps.js';
import { decodeCertifiedBlock, encodeCertifiedBlock } from '../codec/certificate.js';
import { encodeEnvelope } from '../codec/envelope.js';
import { encodeSealedPacket } from '../codec/sealed-packet.js';
import { blockHeaderHashInput, commitSigningBytes } from '../codec/signing.js';
import {
  type CertifiedBlock,
  CityScheme,
  EnvelopeKind,
  type Routing,
  SealAlgorithm,
} from '../codec/types.js';
import { validatorSetHash } from '../crypto/certificate.js';
import { type Ed25519KeyPair, ed25519FromSeed, sign } from '../crypto/ed25519.js';
import { sha256, tracingCode } from '../crypto/hash.js';
import { keyIdOf } from '../crypto/key-id.js';
import { merkleRoot } from '../crypto/merkle.js';
import { CATALOGUE } from '../kpi/catalogue.js';
import { rememberTracingCode } from '../node/chain/tx-hash.js';
import { type Genesis, parseGenesis } from '../node/genesis.js';
import { blockChunkLevel } from '../node/store/index.js';

export const SITES = 200;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const seed = (tag: number) => ed25519FromSeed(new Uint8Array(32).map((_, i) => (tag * 31 + i) & 0xff));

export interface BenchChain {
  genesis: Genesis;
  validators: Ed25519KeyPair[];
  sites: { keyId: Uint8Array; routing: Routing; seq: number }[];
  parentHash: Uint8Array;
}

export function benchChain(): BenchChain {
  const validators = [1, 2, 3, 4].map(seed);
  const kpis = CATALOGUE.slice(0, 3).map((k) => k.wire);
  const siteKeys = Array.from({ length: SITES }, (_, i) => seed(1000 + i));
  const ip = (i: number) => `10.0.${i >> 8}.${i & 0xff}`;
  const genesis = parseGenesis({
    chainName: 'bench',
    genesisTime: '2026-01-01T00:00:00Z',
    validators: validators.map((v) => hex(v.publicKey)),
    admins: { publicKeys: [hex(seed(900).publicKey)], threshold: 1 },
    sites: siteKeys.map((k, i) => ({
      publicKey: hex(k.publicKey),
      country: 'CN',
      city: 'locode:CNSHA',
      siteId: ip(i),
      kpis,
    })),
    params: { periodMs: 1000, maxBlockEnvelopes: 1000, maxBlockBytes: 8_000_000, viewTimeoutMs: 4000 },
  });
  const sites = genesis.sites.map((s) => ({
    keyId: keyIdOf(s.publicKey),
    routing: {
      country: s.country,
      city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
      siteId: s.siteId,
      kpiCodes: s.kpiCodes.slice(0, 2),
    },
    seq: 0,
  }));
  return { genesis, validators, sites, parentHash: new Uint8Array(32) };
}

const packet = encodeSealedPacket({
  alg: SealAlgorithm.EphemeralX25519,
  scpKeyId: new Uint8Array(16).fill(1),
  keyRef: new Uint8Array(32).fill(2),
  nonce: new Uint8Array(12).fill(3),
  encryptedRecord: new Uint8Array(MIN_ENCRYPTED_RECORD_BYTES + 96 + 32).fill(4),
  encryptedDigest: new Uint8Array(ENCRYPTED_DIGEST_BYTES).fill(5),
});

export interface BenchBlock {
  bytes: Uint8Array;
  decoded: CertifiedBlock;
  tracingCodes: Uint8Array[];
}

/** The next block: `n` uploads spread over the sites, times increasing with height. */
export function nextBlock(c: BenchChain, height: number, n: number): BenchBlock {
  const time = c.genesis.genesisTime + height * 1000;
  const envelopes = Array.from({ length: n }, (_, i) => {
    const s = c.sites[(height * n + i) % c.sites.length]!;
    s.seq++;
    return encodeEnvelope({
      kind: EnvelopeKind.KpiUpload,
      chainId: c.genesis.chainId,
      signerKeyId: s.keyId,
      seq: s.seq,
      time: time - 500 + (i % 500),
      signature: new Uint8Array(64),
      routing: s.routing,
      packet,
    });
  });
  const tracingCodes = envelopes.map(tracingCode);
  const header = {
    chainId: c.genesis.chainId,
    height,
    view: 0,
    time,
    parentHash: c.parentHash,
    txRoot: merkleRoot(tracingCodes),
    txCount: n,
    stateRoot: new Uint8Array(32),
    validatorSetHash: validatorSetHash(c.validators.map((v) => v.publicKey)),
    proposer: 0,
    // The store does not check it: a benchmark needs no real log.
    hashLogRoot: new Uint8Array(32),
  };
  const hash = sha256(blockHeaderHashInput(encodeBlockHeader(header)));
  c.parentHash = hash;
  const msg = commitSigningBytes(c.genesis.chainId, 0, height, hash);
  const signatures = c.validators.slice(0, 3).map((v, validator) => ({ validator, signature: sign(v, msg) }));
  const bytes = encodeCertifiedBlock({
    block: { header, envelopes },
    certificate: { height, view: 0, blockHash: hash, signatures },
  });
  const decoded = decodeCertifiedBlock(bytes);
  // What a node has done to the very arrays it commits before the commit starts: block validation
  // (node/block-rules.ts) took each envelope's tracing code (remembered per array by
  // node/chain/tx-hash.ts) and the tree's chunk level for txRoot (remembered per envelope list).
  // Without this the bench timed two passes over every envelope that a node's commit never does.
  decoded.block.envelopes.forEach((e, i) => {
    rememberTracingCode(e, tracingCodes[i] as Uint8Array);
  });
  blockChunkLevel(decoded.block.envelopes, tracingCodes);
  return { bytes, decoded, tracingCodes };
}
