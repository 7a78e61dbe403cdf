// Binds docs/wire-format.md to the code: its hex vectors must be what the encoders produce and
// what the decoders accept, and its caps table must match codec/caps.ts.
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
import { decodeEnvelope, encodeEnvelope, envelopeAad } from '../../../codec/envelope.js';
import { envelopeAadView } from '../../../codec/envelope-view.js';
import { decodeKpiRecord, encodeKpiRecord } from '../../../codec/kpi-record.js';
import { decodeSealedPacket, encodeSealedPacket } from '../../../codec/sealed-packet.js';
import { commitSigningBytes, kpiDigestSigningBytes } from '../../../codec/signing.js';
import { decodeStorageRecord, encodeStorageRecord } from '../../../codec/storage-record.js';
import { hex, unhex } from './hex.js';
import * as v from './vectors.js';

const doc = readFileSync(join(__dirname, '../../../docs/wire-format.md'), 'utf8');

function docVectors(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const m of doc.matchAll(/```hex vector=([a-z0-9-]+)\n([\s\S]*?)```/g)) out.set(m[1]!, unhex(m[2]!));
  return out;
}

const cert = { block: v.vectorBlock, certificate: v.vectorCertificate };
/** name -> [encoding of the vector object, decode of the doc bytes compared with the object]. */
const cases: Record<string, [() => Uint8Array, ((b: Uint8Array) => unknown) | null, unknown]> = {
  'kpi-record': [() => encodeKpiRecord(v.vectorRecord), decodeKpiRecord, v.vectorRecord],
  'sealed-packet': [() => encodeSealedPacket(v.vectorPacket), decodeSealedPacket, v.vectorPacket],
  'envelope-upload-aad': [() => envelopeAad(v.vectorUpload), null, null],
  'envelope-upload': [() => encodeEnvelope(v.vectorUpload), decodeEnvelope, v.vectorUpload],
  'envelope-approve': [() => encodeEnvelope(v.vectorApprove), decodeEnvelope, v.vectorApprove],
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
};

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

  it('caps table matches codec/caps.ts', () => {
    const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*([0-9]+)\s*\|/gm)];
    expect(rows.length).toBeGreaterThan(10);
    const table = caps as unknown as Record<string, number>;
    for (const [, name, value] of rows) expect(table[name!], name).toBe(Number(value));
    expect(caps.MAX_BLOCK_BYTES).toBe(8 * 1024 * 1024);
  });
});
