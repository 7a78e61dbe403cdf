import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../../codec/caps.js';
import { CodecErrorCode } from '../../../codec/errors.js';
import { decodeExtension, encodeExtension } from '../../../codec/extension.js';
import {
  decodeKpiRecord,
  encodeKpiRecord,
  kpiRecordCountry,
  kpiRecordSiteId,
  kpiRecordTime,
} from '../../../codec/kpi-record.js';
import { CityScheme, type KpiRecord } from '../../../codec/types.js';
import { kpiRecord } from '../../../testkit/codec-arbitraries.js';
import { checkPrefixesRejected, checkRoundTrip, codeOf, hex, patched, unhex } from './helpers.js';
import { vectorRecord, vectorRecordHex } from './vectors.js';

describe('KPI record (Table 10-1)', () => {
  it('matches the hex vector of docs/wire-format.md', () => {
    const b = encodeKpiRecord(vectorRecord);
    expect(hex(b)).toBe(vectorRecordHex.replace(/ /g, ''));
    expect(decodeKpiRecord(unhex(vectorRecordHex))).toEqual(vectorRecord);
  });

  it('round-trips and re-encodes canonically', () => {
    checkRoundTrip(kpiRecord, encodeKpiRecord, decodeKpiRecord);
  });

  it('decodes byte fields as views over the input', () => {
    const b = encodeKpiRecord(vectorRecord);
    const rec = decodeKpiRecord(b);
    expect(rec.siteId.buffer).toBe(b.buffer);
    expect(rec.extension.buffer).toBe(b.buffer);
    expect(rec.siteId.byteOffset - b.byteOffset).toBe(12);
  });

  it('lazy readers agree with the full decode', () => {
    const b = encodeKpiRecord(vectorRecord);
    expect(kpiRecordTime(b)).toBe(vectorRecord.time);
    expect(kpiRecordCountry(b)).toBe(156);
    expect(hex(kpiRecordSiteId(b))).toBe(hex(vectorRecord.siteId));
    expect(codeOf(() => kpiRecordTime(b.subarray(0, 30)))).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => kpiRecordTime(patched(b, 0, 2)))).toBe(CodecErrorCode.UnknownVersion);
  });

  it('rejects non-canonical and malformed input with the right code', () => {
    const b = encodeKpiRecord(vectorRecord);
    checkPrefixesRejected(b, decodeKpiRecord);
    expect(codeOf(() => decodeKpiRecord(patched(b, 0, 9)))).toBe(CodecErrorCode.UnknownVersion);
    expect(codeOf(() => decodeKpiRecord(patched(b, 3, 4)))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => decodeKpiRecord(patched(b, 9, 1)))).toBe(CodecErrorCode.BadValue); // LOCODE padding
    expect(codeOf(() => decodeKpiRecord(patched(b, 4, 0x61)))).toBe(CodecErrorCode.BadValue); // lower case
    expect(codeOf(() => decodeKpiRecord(patched(b, 1, 0x10)))).toBe(CodecErrorCode.BadValue); // country 4252
    expect(codeOf(() => decodeKpiRecord(patched(b, 2, 0)))).toBe(CodecErrorCode.BadValue); // country 0
    expect(codeOf(() => decodeKpiRecord(patched(b, 28, 0x01)))).toBe(CodecErrorCode.BadValue); // time > 2^53
    expect(codeOf(() => decodeKpiRecord(patched(b, 36, 0)))).toBe(CodecErrorCode.BadValue); // no entries
    expect(codeOf(() => decodeKpiRecord(patched(b, 36, 200)))).toBe(CodecErrorCode.Oversized);
    expect(codeOf(() => decodeKpiRecord(patched(b, 52, 0)))).toBe(CodecErrorCode.BadValue); // unsorted series
    expect(codeOf(() => decodeKpiRecord(patched(b, 54, 0x10)))).toBe(CodecErrorCode.BadValue); // reserved flag
    expect(codeOf(() => decodeKpiRecord(patched(b, 55, 0x7f).fill(0xff, 56, 63)))).toBe(
      CodecErrorCode.BadValue,
    ); // NaN
    expect(codeOf(() => decodeKpiRecord(patched(b, 55, 0xff).fill(0xf0, 56, 57).fill(0, 57, 63)))).toBe(
      CodecErrorCode.BadValue,
    ); // -Infinity
    expect(codeOf(() => decodeKpiRecord(patched(b, 63, 0)))).toBe(CodecErrorCode.BadValue); // bad TLV type
    expect(codeOf(() => decodeKpiRecord(Uint8Array.of(...b, 0)))).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => decodeKpiRecord(new Uint8Array(MAX_RECORD_BYTES + 1)))).toBe(
      CodecErrorCode.Oversized,
    );
  });

  it('numeric city schemes carry the canonical decimal', () => {
    const rec = { ...vectorRecord, city: { scheme: CityScheme.GeoNames, code: '1796236' } };
    expect(decodeKpiRecord(encodeKpiRecord(rec)).city).toEqual(rec.city);
    for (const code of ['01796236', '-1', '1e3', '9007199254740992', ''])
      expect(
        codeOf(() => encodeKpiRecord({ ...rec, city: { scheme: CityScheme.NationalNumeric, code } })),
      ).toBe(CodecErrorCode.InvalidInput);
  });

  it('encoder refuses values the format cannot carry', () => {
    const e0 = vectorRecord.entries[0]!;
    const bad: Partial<KpiRecord>[] = [
      { entries: [] },
      { entries: [vectorRecord.entries[1]!, e0] },
      { entries: [e0, e0] },
      { entries: [{ ...e0, value: Number.POSITIVE_INFINITY }] },
      { entries: [{ ...e0, flags: 16 }] },
      { entries: [{ ...e0, code: 0 }] },
      { country: 0 },
      { time: -1 },
      { siteId: new Uint8Array(4) },
      { extension: Uint8Array.of(1, 0, 5) },
      { city: { scheme: CityScheme.UnLocode, code: 'cnsha' } },
    ];
    for (const patch of bad)
      expect(codeOf(() => encodeKpiRecord({ ...vectorRecord, ...patch }))).toBe(CodecErrorCode.InvalidInput);
  });

  it('extension TLV items split and rebuild canonically', () => {
    const items = [
      { type: 1, value: Uint8Array.of(0x61, 0x62) },
      { type: 9, value: new Uint8Array(0) },
    ];
    const ext = encodeExtension(items);
    expect(hex(ext)).toBe('0100026162090000');
    expect(decodeExtension(ext)).toEqual(items);
    expect(codeOf(() => decodeExtension(unhex('0900000100026162')))).toBe(CodecErrorCode.BadValue);
    expect(codeOf(() => decodeExtension(unhex('010005')))).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => encodeExtension([items[1]!, items[0]!]))).toBe(CodecErrorCode.InvalidInput);
  });
});
