// fast-check arbitraries of valid values for every codec structure. Shared by the property
// tests (test/unit/codec) and the fuzzer (testkit/fuzz.ts), which mutates their encodings.
import fc from 'fast-check';
import { encodeExtension } from '../codec/extension.js';
import { encodeSealedPacket } from '../codec/sealed-packet.js';
import type { StateProof } from '../codec/state-proof.js';
import {
  type Block,
  type BlockHeader,
  type CertifiedBlock,
  type CityCode,
  CityScheme,
  type CommitCertificate,
  type ContractCall,
  type Envelope,
  EnvelopeKind,
  type GovernanceAction,
  type KpiRecord,
  type Routing,
  SealAlgorithm,
  type SealedPacket,
  type StorageRecord,
} from '../codec/types.js';

export const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u64 = fc.maxSafeNat();
const u32 = fc.nat({ max: 0xffff_ffff });
const country = fc.integer({ min: 1, max: 999 });
const upper = fc.integer({ min: 65, max: 90 }).map((c) => String.fromCharCode(c));
const locodeTail = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789');

export const city: fc.Arbitrary<CityCode> = fc.oneof(
  fc
    .tuple(upper, upper, locodeTail, locodeTail, locodeTail)
    .map((cs) => ({ scheme: CityScheme.UnLocode, code: cs.join('') })),
  fc
    .tuple(fc.constantFrom(CityScheme.NationalNumeric, CityScheme.GeoNames), u64)
    .map(([scheme, n]) => ({ scheme, code: String(n) })),
);

/** Distinct ascending codes 1..65535. */
export const kpiCodes = (max: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 0xffff }), { minLength: 1, maxLength: max })
    .map((a) => a.sort((x, y) => x - y));

const entry = fc.record({
  code: fc.integer({ min: 1, max: 0xffff }),
  series: fc.integer({ min: 0, max: 255 }),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  flags: fc.integer({ min: 0, max: 15 }),
});

export const extension = fc
  .uniqueArray(
    fc.record({ type: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ maxLength: 40 }) }),
    {
      selector: (i) => i.type,
      maxLength: 5,
    },
  )
  .map((items) => encodeExtension(items.sort((a, b) => a.type - b.type)));

export const kpiRecord: fc.Arbitrary<KpiRecord> = fc.record({
  country,
  city,
  siteId: bytes(16),
  time: u64,
  entries: fc
    .uniqueArray(entry, { selector: (e) => e.code * 256 + e.series, minLength: 1, maxLength: 20 })
    .map((es) => es.sort((a, b) => a.code * 256 + a.series - (b.code * 256 + b.series))),
  extension,
});

export const sealedPacket: fc.Arbitrary<SealedPacket> = fc
  .constantFrom(SealAlgorithm.EphemeralX25519, SealAlgorithm.SessionKey)
  .chain((alg) =>
    fc.record({
      alg: fc.constant(alg),
      scpKeyId: bytes(16),
      keyRef: bytes(alg === SealAlgorithm.EphemeralX25519 ? 32 : 16),
      nonce: bytes(12),
      encryptedRecord: fc.uint8Array({ minLength: 55, maxLength: 400 }),
      encryptedDigest: bytes(112),
    }),
  );

const routing: fc.Arbitrary<Routing> = fc.record({
  country,
  city,
  siteId: bytes(16),
  kpiCodes: kpiCodes(20),
});

/** Public-key lists never repeat a key (the codec refuses a repeated one). */
const keyList = (max: number) =>
  fc.uniqueArray(bytes(32), { minLength: 1, maxLength: max, selector: (k) => String.fromCharCode(...k) });

export const governanceAction: fc.Arbitrary<GovernanceAction> = fc.oneof(
  fc.record({
    type: fc.constant('registerSite' as const),
    publicKey: bytes(32),
    country,
    city,
    siteId: bytes(16),
    kpiCodes: kpiCodes(40),
  }),
  fc.record({ type: fc.constantFrom('suspendSite', 'resumeSite', 'revokeSite'), siteKeyId: bytes(16) }),
  fc.record({ type: fc.constant('rotateSiteKey' as const), siteKeyId: bytes(16), newPublicKey: bytes(32) }),
  fc.record({ type: fc.constant('addScpKey' as const), publicKey: bytes(32), notBefore: u64, notAfter: u64 }),
  fc.record({ type: fc.constant('retireScpKey' as const), scpKeyId: bytes(16) }),
  fc.record({
    type: fc.constant('setParams' as const),
    // Layout 1 (type 8, no envelope bounds) and layout 2 (type 11, both bounds).
    params: fc.oneof(
      fc.record({ periodMs: u32, maxBlockEnvelopes: u32, maxBlockBytes: u32, viewTimeoutMs: u32 }),
      fc.record({
        periodMs: u32,
        maxBlockEnvelopes: u32,
        maxBlockBytes: u32,
        viewTimeoutMs: u32,
        maxSeqGap: u32,
        maxEnvelopeFutureMs: u32,
      }),
    ),
    activateAt: u64,
  }),
  fc.record({
    type: fc.constant('setValidators' as const),
    validators: keyList(7).map((keys) => keys.map((publicKey) => ({ publicKey }))),
    activateAt: u64,
  }),
  keyList(5).chain((admins) =>
    fc.record({
      type: fc.constant('setAdmins' as const),
      admins: fc.constant(admins),
      threshold: fc.integer({ min: 1, max: admins.length }),
    }),
  ),
) as fc.Arbitrary<GovernanceAction>;

export const contractCall: fc.Arbitrary<ContractCall> = fc.oneof(
  fc.record({ type: fc.constant('propose' as const), action: governanceAction, expiresAt: u64 }),
  fc.record({ type: fc.constant('approve' as const), proposalId: bytes(32) }),
);

const envelopeCommon = {
  chainId: bytes(32),
  signerKeyId: bytes(16),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  time: u64,
  signature: bytes(64),
};

export const envelope: fc.Arbitrary<Envelope> = fc.oneof(
  fc.record({
    kind: fc.constant(EnvelopeKind.KpiUpload as const),
    ...envelopeCommon,
    routing,
    packet: sealedPacket.map(encodeSealedPacket),
  }),
  fc.record({ kind: fc.constant(EnvelopeKind.ContractCall as const), ...envelopeCommon, call: contractCall }),
);

export const blockHeader = (txCount: number): fc.Arbitrary<BlockHeader> =>
  fc.record({
    chainId: bytes(32),
    height: u64,
    view: u64,
    time: u64,
    parentHash: bytes(32),
    txRoot: bytes(32),
    txCount: fc.constant(txCount),
    stateRoot: bytes(32),
    validatorSetHash: bytes(32),
    proposer: fc.integer({ min: 0, max: 255 }),
    hashLogRoot: bytes(32),
  });

/** Blocks whose envelopes are opaque byte strings (the block codec does not look inside). */
export const block: fc.Arbitrary<Block> = fc
  .array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 8 })
  .chain((envelopes) => blockHeader(envelopes.length).map((header) => ({ header, envelopes })));

export const commitCertificate = (height: number): fc.Arbitrary<CommitCertificate> =>
  fc.record({
    height: fc.constant(height),
    view: u64,
    blockHash: bytes(32),
    signatures: fc
      .uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 7 })
      .chain((ids) =>
        fc.tuple(
          ...ids
            .sort((a, b) => a - b)
            .map((validator) => bytes(64).map((signature) => ({ validator, signature }))),
        ),
      ),
  });

export const certifiedBlock: fc.Arbitrary<CertifiedBlock> = block.chain((b) =>
  commitCertificate(b.header.height).map((certificate) => ({ block: b, certificate })),
);

const urlChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));

export const storageRecord: fc.Arbitrary<StorageRecord> = fc.record({
  data: fc.record({ height: u64, index: u32, offset: u32, length: u32 }),
  block: fc.record({ segment: u32, offset: u64, length: u32 }),
  cityData: sealedPacket.map(encodeSealedPacket),
  chainUrl: fc.array(urlChar, { minLength: 1, maxLength: 80 }).map((cs) => cs.join('')),
  tracingCode: bytes(32),
  checkCode: bytes(32),
});

/** A bucket proof as the codec sees it (order and bucket membership are the verifier's checks). */
export const stateProof: fc.Arbitrary<StateProof> = fc.record({
  bucket: fc.integer({ min: 0, max: 4095 }),
  entries: fc.array(
    fc.record({
      key: fc.uint8Array({ minLength: 1, maxLength: 24 }),
      value: fc.uint8Array({ maxLength: 40 }),
    }),
    { maxLength: 4 },
  ),
  siblings: fc.array(bytes(32), { minLength: 12, maxLength: 12 }),
});
