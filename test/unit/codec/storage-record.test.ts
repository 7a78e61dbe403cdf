import { describe, expect, it } from 'vitest';
import { MAX_STORAGE_RECORD_BYTES } from '../../../codec/caps.js';
import { CodecErrorCode } from '../../../codec/errors.js';
import { domainTag, storageCheckInput } from '../../../codec/signing.js';
import { decodeStorageRecord, encodeStorageRecord } from '../../../codec/storage-record.js';
import { storageRecord } from '../../../testkit/codec-arbitraries.js';
import { checkPrefixesRejected, checkRoundTrip, codeOf, hex, patched } from './helpers.js';
import { vectorStorageRecord, vectorStorageRecordHex } from './vectors.js';

describe('storage record (Table 10-3)', () => {
  it('matches the hex vector of docs/wire-format.md', () => {
    const b = encodeStorageRecord(vectorStorageRecord);
    expect(hex(b)).toBe(vectorStorageRecordHex);
    expect(decodeStorageRecord(b)).toEqual(vectorStorageRecord);
  });

  it('round-trips and re-encodes canonically', () => {
    checkRoundTrip(storageRecord, encodeStorageRecord, decodeStorageRecord);
  });

  it('check-code input covers every field before the check code', () => {
    const b = encodeStorageRecord(vectorStorageRecord);
    const input = storageCheckInput(b);
    expect(hex(input)).toBe(hex(domainTag('storage-check')) + hex(b.subarray(0, b.length - 32)));
  });

  it('rejects malformed input with the right code', () => {
    const b = encodeStorageRecord(vectorStorageRecord);
    checkPrefixesRejected(b, decodeStorageRecord);
    expect(codeOf(() => decodeStorageRecord(patched(b, 0, 0)))).toBe(CodecErrorCode.UnknownVersion);
    expect(codeOf(() => decodeStorageRecord(patched(b, 71, 0x20)))).toBe(CodecErrorCode.BadValue); // space in URL
    expect(codeOf(() => decodeStorageRecord(patched(b, 82, 7)))).toBe(CodecErrorCode.UnknownVersion); // packet
    expect(codeOf(() => decodeStorageRecord(patched(b, 69, 0x10)))).toBe(CodecErrorCode.Oversized);
    expect(codeOf(() => decodeStorageRecord(Uint8Array.of(...b, 1)))).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => decodeStorageRecord(new Uint8Array(MAX_STORAGE_RECORD_BYTES + 1)))).toBe(
      CodecErrorCode.Oversized,
    );
    for (const chainUrl of ['', 'a b', 'é', 'x'.repeat(513)])
      expect(codeOf(() => encodeStorageRecord({ ...vectorStorageRecord, chainUrl }))).toBe(
        CodecErrorCode.InvalidInput,
      );
  });
});
