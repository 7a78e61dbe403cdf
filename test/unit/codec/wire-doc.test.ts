// Binds docs/wire-format.md to the code: its hex vectors must be what the encoders produce and
// what the decoders accept, and its caps table must match codec/caps.ts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBlock, decodeBlockHeader, encodeBlock, encodeBlockHeader } from '../../../codec/block.js';
import * as caps from '../../../codec/caps.js';
import {
  decodeCertifiedBlock,
  decodeCommitCertificate,
  encodeCertifiedBlock,
  encodeCommitCertificate,
} from '../../../codec/certificate.js';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { consensusSigningBytes } from '../../../codec/consensus-signing.js';
import {
  decodeConsensusStateRecord,
  decodeEvidenceRecord,
  encodeConsensusStateRecord,
  encodeEvidenceRecord,
} from '../../../codec/consensus-state.js';
import { decodeEnvelope, encodeEnvelope, envelopeAad } from '../../../codec/envelope.js';
import { envelopeAadView } from '../../../codec/envelope-view.js';
import { decodeKpiRecord, encodeKpiRecord } from '../../../codec/kpi-record.js';
import {
  decodeBodiesRequest,
  decodeBodiesResponse,
  decodeProposalRef,
  encodeBodiesRequest,
  encodeBodiesResponse,
  encodeProposalRef,
} from '../../../codec/proposal-ref.js';
import { decodeSealedPacket, encodeSealedPacket } from '../../../codec/sealed-packet.js';
import {
  blockHeaderHashInput,
  commitSigningBytes,
  DOMAIN_BLOCK_HEADER,
  DOMAIN_KPI_RECORD,
  DOMAIN_STORAGE_CHECK,
  kpiDigestSigningBytes,
  kpiRecordHashInput,
  storageCheckInput,
} from '../../../codec/signing.js';
import { decodeStorageRecord, encodeStorageRecord } from '../../../codec/storage-record.js';
import type { ConsensusMessage } from '../../../codec/types.js';
import {
  decodeConsistencyProof,
  decodeInclusionProof,
  encodeConsistencyProof,
  encodeInclusionProof,
} from '../../../crypto/merkle-proof-codec.js';
import { verifyConsistency, verifyInclusion } from '../../../crypto/merkle-verify.js';
import { hashLogConsistency, hashLogInclusion, hashLogRoot } from './hash-log-vectors.js';
import { hex, unhex } from './hex.js';
import * as v from './vectors.js';
import * as x from './xchain-vectors.js';

const doc = readFileSync(join(__dirname, '../../../docs/wire-format.md'), 'utf8');

function docVectors(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const m of doc.matchAll(/```hex vector=([a-z0-9-]+)\n([\s\S]*?)```/g)) out.set(m[1]!, unhex(m[2]!));
  return out;
}

const cert = v.vectorCertifiedBlock;
const chainId = v.vectorHeader.chainId;
const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
/** A consensus message vector: encoded by the codec, decoded back to the object. */
const message = (m: ConsensusMessage): Case => [() => encodeConsensusMessage(m), decodeConsensusMessage, m];
/** A consensus signing-bytes vector (no decoder: signing bytes are only ever built). */
const signing = (m: ConsensusMessage): Case => [() => consensusSigningBytes(chainId, m), null, null];
/** Hash input = tag || structure: the structure after the tag must decode to the object. */
const tagged =
  (tag: Uint8Array, decode: (b: Uint8Array) => unknown) =>
  (b: Uint8Array): unknown => {
    expect(hex(b.subarray(0, tag.length))).toBe(hex(tag));
    return decode(b.subarray(tag.length));
  };
const withCheckCode = (b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(b.length + 32);
  out.set(b);
  out.set(v.vectorStorageRecord.checkCode, b.length);
  return out;
};
/** name -> [encoding of the vector object, decode of the doc bytes compared with the object]. */
type Case = [() => Uint8Array, ((b: Uint8Array) => unknown) | null, unknown];
const cases: Record<string, Case> = {
  'kpi-record': [() => encodeKpiRecord(v.vectorRecord), decodeKpiRecord, v.vectorRecord],
  'sealed-packet': [() => encodeSealedPacket(v.vectorPacket), decodeSealedPacket, v.vectorPacket],
  'sealed-packet-ephemeral': [
    () => encodeSealedPacket(v.vectorPacketEphemeral),
    decodeSealedPacket,
    v.vectorPacketEphemeral,
  ],
  'envelope-upload-aad': [() => envelopeAad(v.vectorUpload), null, null],
  'envelope-upload': [() => encodeEnvelope(v.vectorUpload), decodeEnvelope, v.vectorUpload],
  'envelope-approve': [() => encodeEnvelope(v.vectorApprove), decodeEnvelope, v.vectorApprove],
  'envelope-propose': [() => encodeEnvelope(v.vectorPropose), decodeEnvelope, v.vectorPropose],
  'envelope-set-params': [() => encodeEnvelope(v.vectorSetParams), decodeEnvelope, v.vectorSetParams],
  'envelope-set-params-snapshot': [
    () => encodeEnvelope(v.vectorSetParamsSnapshot),
    decodeEnvelope,
    v.vectorSetParamsSnapshot,
  ],
  'envelope-set-params-bounds': [
    () => encodeEnvelope(v.vectorSetParamsBounds),
    decodeEnvelope,
    v.vectorSetParamsBounds,
  ],
  'envelope-update-client': [
    () => encodeEnvelope(x.vectorUpdateClient),
    decodeEnvelope,
    x.vectorUpdateClient,
  ],
  'envelope-submit-misbehaviour': [
    () => encodeEnvelope(x.vectorMisbehaviour),
    decodeEnvelope,
    x.vectorMisbehaviour,
  ],
  'envelope-remote-envelope-fact': [
    () => encodeEnvelope(x.vectorRemoteEnvelope),
    decodeEnvelope,
    x.vectorRemoteEnvelope,
  ],
  'envelope-remote-state-fact': [
    () => encodeEnvelope(x.vectorRemoteState),
    decodeEnvelope,
    x.vectorRemoteState,
  ],
  'envelope-register-counterparty': [
    () => encodeEnvelope(x.vectorRegisterCounterparty),
    decodeEnvelope,
    x.vectorRegisterCounterparty,
  ],
  'envelope-recover-client': [
    () => encodeEnvelope(x.vectorRecoverClient),
    decodeEnvelope,
    x.vectorRecoverClient,
  ],
  'block-header': [() => encodeBlockHeader(v.vectorHeader), decodeBlockHeader, v.vectorHeader],
  block: [() => encodeBlock(v.vectorBlock), decodeBlock, v.vectorBlock],
  'commit-certificate': [
    () => encodeCommitCertificate(v.vectorCertificate),
    decodeCommitCertificate,
    v.vectorCertificate,
  ],
  'certified-block': [() => encodeCertifiedBlock(cert), decodeCertifiedBlock, cert],
  'storage-record': [
    () => encodeStorageRecord(v.vectorStorageRecord),
    decodeStorageRecord,
    v.vectorStorageRecord,
  ],
  'commit-signing-bytes': [
    () => commitSigningBytes(v.vectorHeader.chainId, 3, 258, v.vectorCertificate.blockHash),
    null,
    null,
  ],
  'kpi-digest-signing-bytes': [() => kpiDigestSigningBytes(new Uint8Array(32).fill(7)), null, null],
  'kpi-record-hash-input': [
    () => kpiRecordHashInput(encodeKpiRecord(v.vectorRecord)),
    tagged(DOMAIN_KPI_RECORD, decodeKpiRecord),
    v.vectorRecord,
  ],
  'block-header-hash-input': [
    () => blockHeaderHashInput(encodeBlockHeader(v.vectorHeader)),
    tagged(DOMAIN_BLOCK_HEADER, decodeBlockHeader),
    v.vectorHeader,
  ],
  'block-hash': [() => sha256(blockHeaderHashInput(encodeBlockHeader(v.vectorHeader))), null, null],
  'storage-check-input': [
    () => storageCheckInput(encodeStorageRecord(v.vectorStorageRecord)),
    tagged(DOMAIN_STORAGE_CHECK, (b) => decodeStorageRecord(withCheckCode(b))),
    v.vectorStorageRecord,
  ],
  'pre-prepare': message(v.vectorPrePrepare),
  prepare: message(v.vectorPrepare),
  commit: message(v.vectorCommit),
  checkpoint: message(v.vectorCheckpoint),
  'view-change': message(v.vectorViewChange),
  'new-view': message(v.vectorNewView),
  'state-request': message(v.vectorStateRequest),
  'state-request-by-index': message(v.vectorStateRequestByIndex),
  'state-response': message(v.vectorStateResponse),
  'state-response-pruned': message(v.vectorStateResponsePruned),
  proposal: [() => encodeProposalRef(v.vectorProposal), decodeProposalRef, v.vectorProposal],
  'bodies-request': [
    () => encodeBodiesRequest(v.vectorBodiesRequest),
    decodeBodiesRequest,
    v.vectorBodiesRequest,
  ],
  'bodies-response': [
    () => encodeBodiesResponse(v.vectorBodiesResponse),
    (b) => decodeBodiesResponse(b, 1),
    v.vectorBodiesResponse,
  ],
  'pre-prepare-signing-bytes': signing(v.vectorPrePrepare),
  'prepare-signing-bytes': signing(v.vectorPrepare),
  'checkpoint-signing-bytes': signing(v.vectorCheckpoint),
  'view-change-signing-bytes': signing(v.vectorViewChange),
  'new-view-signing-bytes': signing(v.vectorNewView),
  'state-request-signing-bytes': signing(v.vectorStateRequest),
  'state-response-signing-bytes': signing(v.vectorStateResponse),
  'state-response-pruned-signing-bytes': signing(v.vectorStateResponsePruned),
  'consensus-state-record': [
    () => encodeConsensusStateRecord(v.vectorConsensusState),
    decodeConsensusStateRecord,
    v.vectorConsensusState,
  ],
  'evidence-record': [() => encodeEvidenceRecord(v.vectorEvidence), decodeEvidenceRecord, v.vectorEvidence],
  // Block-hash log (§11): the root has no decoder; the proofs round-trip through the compact codec.
  'hash-log-root': [hashLogRoot, null, null],
  'hash-log-consistency': [
    () => encodeConsistencyProof(hashLogConsistency),
    decodeConsistencyProof,
    hashLogConsistency,
  ],
  'hash-log-inclusion': [
    () => encodeInclusionProof(hashLogInclusion),
    decodeInclusionProof,
    hashLogInclusion,
  ],
};

/** [outer vector, offset, inner vector]: the doc says the inner structure sits there. */
const nested: [string, number, string][] = [
  ['envelope-upload', 0, 'envelope-upload-aad'],
  ['block', 0, 'block-header'],
  ['certified-block', 5, 'block'],
  ['certified-block', 241, 'commit-certificate'],
  ['kpi-record-hash-input', 20, 'kpi-record'],
  ['block-header-hash-input', 22, 'block-header'],
  ['storage-check-input', 23, 'storage-record'],
  ['pre-prepare', 120, 'block'],
  ['proposal', 116, 'block-header'],
  ['view-change', 234, 'block-header'],
  ['new-view', 82, 'view-change'],
  ['state-response', 74, 'certified-block'],
  ['consensus-state-record', 277, 'block-header'],
  ['envelope-update-client', 70, 'block-header'],
  ['envelope-update-client', 297, 'commit-certificate'],
  ['envelope-remote-envelope-fact', 78, 'block-header'],
  ['envelope-register-counterparty', 78, 'block-header'],
  ['evidence-record', 47, 'prepare'],
];

describe('docs/wire-format.md', () => {
  const vectors = docVectors();

  it('has exactly the vectors the tests know', () => {
    expect([...vectors.keys()].sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, [encode, decode, value]] of Object.entries(cases)) {
    it(`vector ${name}: encoder output equals the doc, the doc decodes to the object`, () => {
      const bytes = vectors.get(name)!;
      expect(hex(encode())).toBe(hex(bytes));
      if (decode) expect(decode(bytes)).toEqual(value);
    });
  }

  it('upload AAD vector is the prefix of the upload vector', () => {
    const up = vectors.get('envelope-upload')!;
    expect(hex(envelopeAadView(up))).toBe(hex(vectors.get('envelope-upload-aad')!));
  });

  for (const [outer, at, inner] of nested) {
    it(`vector ${outer} holds vector ${inner} at offset ${at}`, () => {
      const o = vectors.get(outer)!;
      // The storage-check input ends where the record's check code would start.
      const i = inner === 'storage-record' ? vectors.get(inner)!.subarray(0, -32) : vectors.get(inner)!;
      expect(hex(o.subarray(at, at + i.length))).toBe(hex(i));
    });
  }

  it('every "# offset N" comment is the offset at which its line starts', () => {
    let checked = 0;
    for (const m of doc.matchAll(/```hex vector=([a-z0-9-]+)\n([\s\S]*?)```/g)) {
      let at = 0;
      for (const line of m[2]!.split('\n')) {
        const hash = line.indexOf('#');
        const code = hash < 0 ? line : line.slice(0, hash);
        const offset = hash < 0 ? null : /^\s*offset (\d+)/.exec(line.slice(hash + 1));
        if (offset) {
          expect(at, `${m[1]}: ${line}`).toBe(Number(offset[1]));
          checked++;
        }
        at += code.replace(/\s+/g, '').length / 2;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('a COMMIT message signs the COMMIT vote: its signing bytes are the commit-signing-bytes vector', () => {
    expect(hex(consensusSigningBytes(chainId, v.vectorCommit))).toBe(
      hex(vectors.get('commit-signing-bytes')!),
    );
  });

  it('the block-hash log proofs verify against the roots of headers 3 and 5', () => {
    const root5 = vectors.get('hash-log-root')!;
    const root3 = unhex('52b0ce889c826a2dcab068494ec0fdc7acd363c44ab370a3915f1b5d409f7c08');
    expect(
      verifyConsistency(decodeConsistencyProof(vectors.get('hash-log-consistency')!), root3, root5),
    ).toBe(true);
    const leaf2 = new Uint8Array(32).fill(0x22);
    expect(verifyInclusion(leaf2, decodeInclusionProof(vectors.get('hash-log-inclusion')!), root5)).toBe(
      true,
    );
  });

  it('the block hash vector is the SHA-256 of the block-header hash input vector', () => {
    expect(hex(sha256(vectors.get('block-header-hash-input')!))).toBe(hex(vectors.get('block-hash')!));
  });

  it('caps table matches codec/caps.ts, and lists every constant there', () => {
    const rows = [...doc.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|\s*([0-9]+)\s*\|/gm)];
    expect(rows.length).toBeGreaterThan(10);
    const table = caps as unknown as Record<string, number>;
    for (const [, name, value] of rows) expect(table[name!], name).toBe(Number(value));
    expect(rows.map((r) => r[1]).sort()).toEqual(Object.keys(caps).sort());
    expect(caps.MAX_BLOCK_BYTES).toBe(8 * 1024 * 1024);
    expect(caps.MAX_CONSENSUS_MESSAGE_BYTES).toBe(4 * caps.MAX_BLOCK_BYTES);
  });
});
