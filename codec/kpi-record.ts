// Unified KPI record (Y.4907 Table 10-1), fixed layout, see docs/wire-format.md §KPI record.
//  0 version u8 | 1 country u16 | 3 city (scheme u8 + 8) | 12 siteId 16 | 28 time u64 |
// 36 entry count u8 | 37 extension length u16 | 39 entries (12 each) | extension.
// Entry: code u16 | series u8 | flags u8 | value f64. Entries strictly ascending by (code, series).
// This is the hottest structure (every upload, every SCP read), so it is coded at fixed offsets
// straight on the bytes rather than through Reader/Writer; the checks are the same.
import {
  KPI_ENTRY_BYTES,
  MAX_EXTENSION_BYTES,
  MAX_KPI_ENTRIES,
  MAX_RECORD_BYTES,
  RECORD_FIXED_BYTES,
  SITE_ID_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { readCityAt, writeCityAt } from './city.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkExtension } from './extension.js';
import { allocBytes, getF64, getU64, lastAllocOffset, lastAllocView, putU64 } from './primitives.js';
import { checkInputSize } from './reader.js';
import type { KpiEntry, KpiRecord } from './types.js';

// Offsets of the fixed fields as plain module constants: the hot paths below read them in loops,
// and V8 folds a local const where it re-loads an imported binding or an object property.
const CITY_AT = 3;
const SITE_AT = 12;
const TIME_AT = 28;
const COUNT_AT = 36;
const EXT_LENGTH_AT = 37;
const FIXED = 39;
const STRIDE = 12;
const FLAGS_MASK = 0x0f;

/** Quality flag bits this version defines; the others are reserved and must be zero. */
export const KPI_FLAGS_MASK = FLAGS_MASK;

/** Offsets of the fixed fields. */
export const RECORD_OFFSET = {
  country: 1,
  city: CITY_AT,
  siteId: SITE_AT,
  time: TIME_AT,
  count: COUNT_AT,
  extLength: EXT_LENGTH_AT,
} as const;

export function kpiRecordSize(rec: KpiRecord): number {
  return RECORD_FIXED_BYTES + rec.entries.length * KPI_ENTRY_BYTES + rec.extension.length;
}

function err(code: CodecErrorCode, field: string, message: string): CodecError {
  return new CodecError(code, `record.${field}: ${message}`, { field: `record.${field}` });
}

export function encodeKpiRecord(rec: KpiRecord): Uint8Array {
  const { entries, extension, siteId } = rec;
  const bad = CodecErrorCode.InvalidInput;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_KPI_ENTRIES)
    throw err(bad, 'entries', `need 1..${MAX_KPI_ENTRIES}`);
  if (!(extension instanceof Uint8Array) || extension.length > MAX_EXTENSION_BYTES)
    throw err(bad, 'extension', 'not bytes within cap');
  if (!(siteId instanceof Uint8Array) || siteId.length !== SITE_ID_BYTES)
    throw err(bad, 'siteId', 'need 16 bytes');
  checkExtension(extension, 0, extension.length, bad);
  const n = entries.length;
  const extLength = extension.length;
  const out = allocBytes(FIXED + n * STRIDE + extLength);
  const view = lastAllocView();
  const base = lastAllocOffset();
  const country = checkCountry(rec.country, bad);
  out[0] = WIRE_VERSION;
  out[1] = country >>> 8;
  out[2] = country;
  writeCityAt(out, CITY_AT, rec.city);
  out.set(siteId, SITE_AT);
  putU64(out, TIME_AT, rec.time, 'record.time');
  out[36] = n;
  out[37] = extLength >>> 8;
  out[38] = extLength;
  let p = FIXED;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const { code, series, flags, value } = entries[i]!;
    // (x & mask) !== x rejects non-integers, negatives, NaN and non-numbers in one test.
    if ((code & 0xffff) !== code || code === 0) throw err(bad, 'entry.code', 'not in 1..65535');
    if ((series & 0xff) !== series) throw err(bad, 'entry.series', 'not in 0..255');
    if ((flags & FLAGS_MASK) !== flags) throw err(bad, 'entry.flags', 'reserved bits or not an integer');
    // Number.isFinite is false for non-numbers too (no coercion), so it is the whole type check.
    if (!Number.isFinite(value)) throw err(bad, 'entry.value', 'not finite');
    const key = code * 256 + series;
    if (key <= prev) throw err(bad, 'entry.code', 'entries not strictly ascending by (code, series)');
    prev = key;
    out[p] = code >>> 8;
    out[p + 1] = code;
    out[p + 2] = series;
    out[p + 3] = flags;
    view.setFloat64(base + p + 4, value);
    p += STRIDE;
  }
  out.set(extension, p);
  return out;
}

/**
 * Checks version and the fixed part's length; returns the full length the header announces.
 * One combined test on the hot path; headerError() works out which check failed, in the
 * documented order (input cap, version, fixed part, count, extension length).
 */
function checkHeader(b: Uint8Array): number {
  const length = b.length;
  if (length < FIXED || length > MAX_RECORD_BYTES || b[0] !== WIRE_VERSION) throw headerError(b);
  const n = b[COUNT_AT]!;
  const extLength = (b[EXT_LENGTH_AT]! << 8) | b[EXT_LENGTH_AT + 1]!;
  if (n === 0 || n > MAX_KPI_ENTRIES || extLength > MAX_EXTENSION_BYTES) throw headerError(b);
  return FIXED + n * STRIDE + extLength;
}

function headerError(b: Uint8Array): CodecError {
  checkInputSize(b, MAX_RECORD_BYTES, 'record');
  if (b.length < 1) return err(CodecErrorCode.Truncated, 'version', 'empty input');
  if (b[0] !== WIRE_VERSION)
    return new CodecError(CodecErrorCode.UnknownVersion, `record.version: ${b[0]}`, {
      field: 'record.version',
    });
  if (b.length < FIXED) return err(CodecErrorCode.Truncated, 'fixed', 'shorter than the fixed part');
  if (b[COUNT_AT] === 0) return err(CodecErrorCode.BadValue, 'count', 'no entries');
  if (b[COUNT_AT]! > MAX_KPI_ENTRIES)
    return err(CodecErrorCode.Oversized, 'count', `over ${MAX_KPI_ENTRIES}`);
  return err(CodecErrorCode.Oversized, 'extLength', 'over cap');
}

/** The error for an input whose length is not the size its header announces. */
function sizeError(b: Uint8Array, size: number): CodecError {
  if (b.length < size) return err(CodecErrorCode.Truncated, 'entries', `need ${size} bytes`);
  return new CodecError(CodecErrorCode.TrailingBytes, 'record: trailing bytes', {
    trailing: b.length - size,
  });
}

export function decodeKpiRecord(b: Uint8Array): KpiRecord {
  const size = checkHeader(b);
  if (b.length !== size) throw sizeError(b, size);
  const country = (b[1]! << 8) | b[2]!;
  if (country === 0 || country > 999) checkCountry(country, CodecErrorCode.BadValue); // throws
  const city = readCityAt(b, CITY_AT);
  const time = getU64(b, TIME_AT, 'record.time');
  const n = b[COUNT_AT]!;
  const entries: KpiEntry[] = new Array(n);
  let p = FIXED;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const code = (b[p]! << 8) | b[p + 1]!;
    const series = b[p + 2]!;
    const flags = b[p + 3]!;
    const key = code * 256 + series;
    if (code === 0 || key <= prev)
      throw err(CodecErrorCode.BadValue, 'entry.code', 'zero or not strictly ascending by (code, series)');
    if (flags > FLAGS_MASK) throw err(CodecErrorCode.BadValue, 'entry.flags', 'reserved bits set');
    const value = getF64(b, p + 4);
    if (!Number.isFinite(value)) throw err(CodecErrorCode.BadValue, 'entry.value', 'not finite');
    prev = key;
    entries[i] = { code, series, value, flags };
    p += STRIDE;
  }
  checkExtension(b, p, size, CodecErrorCode.BadValue);
  // Views built with the constructor: subarray() looks up the species constructor (measured 2x).
  const buffer = b.buffer;
  const at = b.byteOffset;
  return {
    country,
    city,
    siteId: new Uint8Array(buffer, at + SITE_AT, SITE_ID_BYTES),
    time,
    entries,
    extension: new Uint8Array(buffer, at + p, size - p),
  };
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

// ---- lazy readers: one field at its documented offset, after checking version and lengths.

export function kpiRecordTime(b: Uint8Array): number {
  checkHeader(b);
  return getU64(b, TIME_AT, 'record.time');
}

export function kpiRecordCountry(b: Uint8Array): number {
  checkHeader(b);
  return checkCountry((b[1]! << 8) | b[2]!, CodecErrorCode.BadValue);
}

/** View of the 16-byte site ID. */
export function kpiRecordSiteId(b: Uint8Array): Uint8Array {
  checkHeader(b);
  return b.subarray(SITE_AT, SITE_AT + SITE_ID_BYTES);
}
