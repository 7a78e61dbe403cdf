// The trace bundle file (docs/wire-format.md §11, "Trace bundle file"): the layout the docs give,
// byte for byte on the fixture block; a round trip; and every malformed file refused with
// ApiError MALFORMED naming the field, never a RangeError.
import { describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { decodeTraceFile, encodeTraceFile, MAX_TRACE_FILE_BYTES } from '../../../api/trace-file.js';
import { BLOCK_HEADER_BYTES } from '../../../codec/caps.js';
import { toHex } from '../../../crypto/bytes.js';
import { sha256 } from '../../../crypto/hash.js';
import { makeBlock } from './chain-fixture.js';

const block = makeBlock(3);
const bundle = block.trace(2);
const file = encodeTraceFile(bundle);

function refusedField(b: Uint8Array): unknown {
  try {
    decodeTraceFile(b);
  } catch (err) {
    const e = err as { code: string; meta: { field: string } };
    expect(e.code).toBe(ApiErrorCode.Malformed);
    return e.meta.field;
  }
  throw new Error('expected a refusal');
}

describe('trace bundle file', () => {
  it('lays out magic, version, envelope, header, compact proof and certificate as documented', () => {
    const hex = toHex(file);
    // "BKDMS/v1/trace-bundle\0", version 1, envelope length 140.
    expect(hex.slice(0, 46)).toBe(`${toHex(new TextEncoder().encode('BKDMS/v1/trace-bundle\0'))}01`);
    expect(hex.slice(46, 54)).toBe('0000008c');
    const afterEnvelope = 22 + 1 + 4 + 140;
    expect(toHex(file.subarray(afterEnvelope, afterEnvelope + BLOCK_HEADER_BYTES))).toBe(
      toHex(bundle.header),
    );
    // Proof: length u16, then 01 (inclusion) 02 (leaf 2) 05 (5 leaves), the hash count, the hashes.
    const proofAt = afterEnvelope + BLOCK_HEADER_BYTES;
    const proofLen = (file[proofAt]! << 8) | file[proofAt + 1]!;
    expect(proofLen).toBe(4 + 32 * bundle.proof.length);
    expect(toHex(file.subarray(proofAt + 2, proofAt + 6))).toBe(
      `010205${bundle.proof.length.toString(16).padStart(2, '0')}`,
    );
    expect(file.length).toBe(
      afterEnvelope + BLOCK_HEADER_BYTES + 2 + proofLen + 4 + bundle.certificate.length,
    );
    // The vector of docs/wire-format.md (deterministic: Ed25519 signatures from fixed seeds).
    expect(file.length).toBe(745);
    expect(toHex(sha256(file))).toBe(DOC_VECTOR_SHA256);
  });

  it('round-trips, the height and tree size coming from the header', () => {
    const back = decodeTraceFile(file);
    expect(back.height).toBe(3);
    expect(back.leafIndex).toBe(2);
    expect(encodeTraceFile(back)).toEqual(file);
  });

  it('refuses every malformed file with the field that failed', () => {
    const copy = (edit: (b: Uint8Array) => void): Uint8Array => {
      const b = file.slice();
      edit(b);
      return b;
    };
    expect(refusedField(copy((b) => (b[0] = 0x41)))).toBe('magic');
    expect(refusedField(copy((b) => (b[22] = 2)))).toBe('version');
    expect(refusedField(copy((b) => b.set([0, 0, 0x40, 1], 23)))).toBe('envelope');
    expect(refusedField(file.subarray(0, 100))).toBe('envelope');
    expect(refusedField(file.subarray(0, file.length - 1))).toBe('certificate');
    expect(refusedField(new Uint8Array([...file, 0]))).toBe('end');
    expect(MAX_TRACE_FILE_BYTES).toBe(37_701);
    expect(refusedField(new Uint8Array(MAX_TRACE_FILE_BYTES + 1))).toBe('size');
    // A tree size that is not the header's tx count: the same path would mean another tree.
    const proofAt = 22 + 1 + 4 + 140 + BLOCK_HEADER_BYTES + 2;
    expect(refusedField(copy((b) => (b[proofAt + 2] = 6)))).toBe('proof');
    expect(refusedField(copy((b) => (b[proofAt] = 2)))).toBe('proof');
  });
});

const DOC_VECTOR_SHA256 = '4e3ec024cef03d23ae5eceed4ffde29fb5be6cdb6c5670256b6c6e42e4128834';
