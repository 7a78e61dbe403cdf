// Unified KPI record (Y.4907 Table 10-1), fixed layout, see docs/wire-format.md §KPI record.
//  0 version u8 | 1 country u16 | 3 city (scheme u8 + 8) | 12 siteId 16 | 28 time u64 |
// 36 entry count u8 | 37 extension length u16 | 39 entries (12 each) | extension.
// Entry: code u16 | series u8 | flags u8 | value f64. Entries strictly ascending by (code, series).
import {
  KPI_ENTRY_BYTES,
  MAX_EXTENSION_BYTES,
  MAX_KPI_ENTRIES,
  MAX_RECORD_BYTES,
  RECORD_FIXED_BYTES,
  SITE_ID_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { readCity, writeCity } from './city.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkExtension } from './extension.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import type { KpiEntry, KpiRecord } from './types.js';
import { checkInt, Writer } from './writer.js';

/** Quality flag bits this version defines; the others are reserved and must be zero. */
export const KPI_FLAGS_MASK = 0x0f;

/** Offsets of the fields lazy readers use. */
export const RECORD_OFFSET = { country: 1, city: 3, siteId: 12, time: 28, count: 36, extLength: 37 } as const;

export function kpiRecordSize(rec: KpiRecord): number {
  return RECORD_FIXED_BYTES + rec.entries.length * KPI_ENTRY_BYTES + rec.extension.length;
}

export function encodeKpiRecord(rec: KpiRecord): Uint8Array {
  const { entries, extension } = rec;
  checkInt(entries.length, 1, MAX_KPI_ENTRIES, 'record.entries');
  if (!(extension instanceof Uint8Array) || extension.length > MAX_EXTENSION_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'record.extension: not bytes within cap', {
      field: 'record.extension',
    });
  checkExtension(extension, CodecErrorCode.InvalidInput);
  const w = new Writer(kpiRecordSize(rec));
  w.u8(WIRE_VERSION).u16(checkCountry(rec.country, CodecErrorCode.InvalidInput), 'record.country');
  writeCity(w, rec.city);
  w.bytes(rec.siteId, SITE_ID_BYTES, 'record.siteId').u64(rec.time, 'record.time');
  w.u8(entries.length).u16(extension.length);
  let prev = -1;
  for (const e of entries) {
    const key = entryKey(e.code, e.series);
    if (key <= prev) throw unsorted(CodecErrorCode.InvalidInput, e.code);
    prev = key;
    checkInt(e.code, 1, 0xffff, 'entry.code');
    checkInt(e.flags, 0, KPI_FLAGS_MASK, 'entry.flags');
    w.u16(e.code).u8(e.series, 'entry.series').u8(e.flags).f64(e.value, 'entry.value');
  }
  w.bytes(extension);
  return w.finish();
}

export function decodeKpiRecord(b: Uint8Array): KpiRecord {
  checkInputSize(b, MAX_RECORD_BYTES, 'record');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'record.version');
  const country = checkCountry(r.u16('record.country'), CodecErrorCode.BadValue);
  const city = readCity(r);
  const siteId = r.bytes(SITE_ID_BYTES, 'record.siteId');
  const time = r.u64('record.time');
  const count = r.length(r.u8('record.count'), 1, MAX_KPI_ENTRIES, 'record.count');
  const extLength = r.length(r.u16('record.extLength'), 0, MAX_EXTENSION_BYTES, 'record.extLength');
  const entries: KpiEntry[] = new Array(count);
  let prev = -1;
  for (let i = 0; i < count; i++) {
    const code = r.u16('entry.code');
    const series = r.u8('entry.series');
    const flags = r.u8('entry.flags');
    const key = entryKey(code, series);
    if (code === 0 || key <= prev) throw unsorted(CodecErrorCode.BadValue, code);
    if (flags > KPI_FLAGS_MASK)
      throw new CodecError(CodecErrorCode.BadValue, 'entry.flags: reserved bits set', {
        field: 'entry.flags',
      });
    prev = key;
    entries[i] = { code, series, value: r.f64('entry.value'), flags };
  }
  const extension = r.bytes(extLength, 'record.extension');
  r.end('record');
  checkExtension(extension, CodecErrorCode.BadValue);
  return { country, city, siteId, time, entries, extension };
}

function entryKey(code: number, series: number): number {
  return code * 256 + series;
}

function unsorted(code: CodecErrorCode, kpi: number): CodecError {
  return new CodecError(code, 'entries: codes zero or not strictly ascending by (code, series)', {
    field: 'entry.code',
    kpi,
  });
}

/** ISO 3166-1 numeric: 1..999. */
export function checkCountry(c: number, code: CodecErrorCode): number {
  if (!Number.isInteger(c) || c < 1 || c > 999)
    throw new CodecError(code, 'country: not an ISO 3166-1 numeric code', {
      field: 'country',
      value: String(c),
    });
  return c;
}

// ---- lazy readers: one field at its documented offset, after checking version and length.

function lazy(b: Uint8Array): Reader {
  checkInputSize(b, MAX_RECORD_BYTES, 'record');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'record.version');
  if (b.length < RECORD_FIXED_BYTES)
    throw new CodecError(CodecErrorCode.Truncated, 'record: shorter than its fixed part', {
      field: 'record',
    });
  return r;
}

export function kpiRecordTime(b: Uint8Array): number {
  const r = lazy(b);
  r.pos = RECORD_OFFSET.time;
  return r.u64('record.time');
}

export function kpiRecordCountry(b: Uint8Array): number {
  const r = lazy(b);
  return checkCountry(r.u16('record.country'), CodecErrorCode.BadValue);
}

/** View of the 16-byte site ID. */
export function kpiRecordSiteId(b: Uint8Array): Uint8Array {
  return lazy(b).buf.subarray(RECORD_OFFSET.siteId, RECORD_OFFSET.siteId + SITE_ID_BYTES);
}
