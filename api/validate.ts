// Validation of every request as grpc-js hands it over (decoded by proto-loader, defaults filled):
// each field is checked for type, length and range and turned into the plain request type, or an
// ApiError with the field named in meta.field. Nothing reaches a handler unchecked.
import { MAX_STATE_KEY_BYTES } from '../codec/caps.js';
import { CITY_BYTES, writeCityAt } from '../codec/city.js';
import { type CityCode, CityScheme } from '../codec/types.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { ApiLimits } from './limits.js';
import { KEY_ID_BYTES, MAX_CITY_CODE_CHARS, MAX_HEADERS_PAGE, TRACING_CODE_BYTES } from './limits.js';
import { UndecodableRequest } from './proto.js';
import type { CityQuery, HeadersQuery, SiteQuery } from './types.js';

type Raw = Record<string, unknown>;

function bad(field: string, message: string, code = ApiErrorCode.InvalidArgument): ApiError {
  return new ApiError(code, `${field}: ${message}`, { field });
}

/** The decoded request, or INVALID_ARGUMENT when its bytes were not the method's message. */
export function decodedRequest(raw: unknown): Raw {
  if (raw instanceof UndecodableRequest)
    throw new ApiError(ApiErrorCode.InvalidArgument, `request bytes are not a ${raw.method} request message`);
  if (raw === null || typeof raw !== 'object')
    throw new ApiError(ApiErrorCode.InvalidArgument, 'no request message');
  return raw as Raw;
}

export function bytesField(raw: Raw, field: string, min: number, max: number): Uint8Array {
  return checkBytes(raw[field], field, min, max);
}

function checkBytes(v: unknown, field: string, min: number, max: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw bad(field, 'expected bytes');
  if (v.length > max) throw bad(field, `${v.length} bytes, at most ${max}`, ApiErrorCode.Oversized);
  if (v.length < min) throw bad(field, `${v.length} bytes, at least ${min}`);
  return v;
}

export function fixedBytes(raw: Raw, field: string, len: number): Uint8Array {
  const v = raw[field];
  if (!(v instanceof Uint8Array) || v.length !== len)
    throw bad(field, `expected exactly ${len} bytes, got ${v instanceof Uint8Array ? v.length : 'none'}`);
  return v;
}

export function intField(raw: Raw, field: string, min: number, max: number): number {
  const v = raw[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw bad(field, `expected an integer in [${min}, ${max}], got ${String(v)}`);
  return v;
}

export function envelopeField(raw: Raw, limits: ApiLimits): Uint8Array {
  return bytesField(raw, 'envelope', 1, limits.maxEnvelopeBytes);
}

export function envelopeList(raw: Raw, limits: ApiLimits): Uint8Array[] {
  const list = raw.envelopes;
  if (!Array.isArray(list)) throw bad('envelopes', 'expected a list of bytes');
  if (list.length === 0) throw bad('envelopes', 'empty batch');
  if (list.length > limits.maxBatchEnvelopes)
    throw bad(
      'envelopes',
      `${list.length} envelopes, at most ${limits.maxBatchEnvelopes}`,
      ApiErrorCode.Oversized,
    );
  return list.map((v: unknown, i) => checkBytes(v, `envelopes[${i}]`, 1, limits.maxEnvelopeBytes));
}

export const tracingCodeField = (raw: Raw): Uint8Array => fixedBytes(raw, 'tracingCode', TRACING_CODE_BYTES);
export const siteKeyIdField = (raw: Raw): Uint8Array => fixedBytes(raw, 'siteKeyId', KEY_ID_BYTES);
/** proto3 bool: false when absent. */
export function boolField(raw: Raw, field: string): boolean {
  const v = raw[field] ?? false;
  if (typeof v !== 'boolean') throw bad(field, 'expected a bool');
  return v;
}

/** A contract-state key: printable ASCII without spaces, 1..MAX_STATE_KEY_BYTES characters. */
export function stateKeyField(raw: Raw): string {
  const v = raw.key;
  if (typeof v !== 'string' || v.length < 1 || v.length > MAX_STATE_KEY_BYTES || !/^[\x21-\x7e]+$/.test(v))
    throw bad('key', `expected 1..${MAX_STATE_KEY_BYTES} printable ASCII characters`);
  return v;
}

export const heightField = (raw: Raw, field: string): number =>
  intField(raw, field, 0, Number.MAX_SAFE_INTEGER);

/**
 * GetState: key, prove, and `activation` (0: the newest certified state). A non-zero activation asks
 * for the kept proof of the validator-set change at that height: only for "gov/validators", proven.
 */
export function stateRequest(raw: Raw): { key: string; prove: boolean; activation: number } {
  const key = stateKeyField(raw);
  const prove = boolField(raw, 'prove');
  const activation = heightField(raw, 'activation');
  if (activation !== 0 && (key !== VALIDATORS_STATE_KEY || !prove))
    throw bad('activation', `only with key "${VALIDATORS_STATE_KEY}" and prove`);
  if (activation === 1) throw bad('activation', 'no validator set activates at height 1');
  return { key, prove, activation };
}

/** The contract-state key of the validator schedule (ledger/records.ts K.validators). */
const VALIDATORS_STATE_KEY = 'gov/validators';

interface Window {
  fromTime: number;
  toTime: number;
  pageSize: number;
  cursor: Uint8Array;
}

function pageWindow(raw: Raw, limits: ApiLimits): Window {
  const fromTime = intField(raw, 'fromTime', 0, Number.MAX_SAFE_INTEGER);
  // to_time 0 (the proto default) means "no upper bound".
  const rawTo = intField(raw, 'toTime', 0, Number.MAX_SAFE_INTEGER);
  const toTime = rawTo === 0 ? Number.MAX_SAFE_INTEGER : rawTo;
  if (fromTime > toTime) throw bad('fromTime', `after toTime (${fromTime} > ${toTime})`);
  const size = intField(raw, 'pageSize', 0, limits.maxPageSize);
  const cursor = bytesField(raw, 'cursor', 0, limits.maxCursorBytes);
  return { fromTime, toTime, pageSize: size === 0 ? limits.defaultPageSize : size, cursor };
}

export function siteQuery(raw: Raw, limits: ApiLimits): SiteQuery {
  return { siteKeyId: siteKeyIdField(raw), ...pageWindow(raw, limits) };
}

export function cityQuery(raw: Raw, limits: ApiLimits): CityQuery {
  const country = intField(raw, 'country', 1, 999);
  const city = raw.city as Raw | null | undefined;
  if (city === null || typeof city !== 'object') throw bad('city', 'required');
  const scheme = intField(city, 'scheme', CityScheme.UnLocode, CityScheme.GeoNames) as CityScheme;
  const code = city.code;
  if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CITY_CODE_CHARS)
    throw bad('city.code', `expected 1..${MAX_CITY_CODE_CHARS} characters`);
  checkCityForm({ scheme, code });
  // Catalogue codes start at 1; the index is per KPI (city + KPI + time), so one code per query.
  const kpiCode = intField(raw, 'kpiCode', 1, 65535);
  return { country, city: { scheme, code }, kpiCode, ...pageWindow(raw, limits) };
}

/**
 * The index holds cities exactly as envelopes carry them, so a code the codec cannot encode
 * ("cnsha", "CN SHA", "0310000") can never match: it is refused rather than answered with an
 * empty page. The codec's own writer is the check, so the two cannot drift apart.
 */
function checkCityForm(city: CityCode): void {
  try {
    writeCityAt(new Uint8Array(CITY_BYTES), 0, city);
  } catch {
    throw bad(
      'city.code',
      city.scheme === CityScheme.UnLocode
        ? `${JSON.stringify(city.code)} is not a UN/LOCODE as envelopes carry it (5 upper-case characters, no space)`
        : `${JSON.stringify(city.code)} is not a canonical decimal below 2^53 (no sign, no leading zero)`,
    );
  }
}

const MAX_HEIGHT = Number.MAX_SAFE_INTEGER;

/** GetHeaders: from >= 1, to 0 (the tip) or >= from, a page of 1..MAX_HEADERS_PAGE (0: the most). */
export function headersQuery(raw: Raw): HeadersQuery {
  const fromHeight = intField(raw, 'fromHeight', 1, MAX_HEIGHT);
  const rawTo = intField(raw, 'toHeight', 0, MAX_HEIGHT);
  const toHeight = rawTo === 0 ? MAX_HEIGHT : rawTo;
  if (toHeight < fromHeight) throw bad('toHeight', `before fromHeight (${toHeight} < ${fromHeight})`);
  const count = intField(raw, 'maxCount', 0, MAX_HEADERS_PAGE);
  return { fromHeight, toHeight, maxCount: count === 0 ? MAX_HEADERS_PAGE : count };
}

/** GetConsistencyProof: 1 <= first <= second (the tip is the node's check). */
export function consistencyRequest(raw: Raw): { first: number; second: number } {
  const first = intField(raw, 'firstHeight', 1, MAX_HEIGHT);
  const second = intField(raw, 'secondHeight', 1, MAX_HEIGHT);
  if (second < first) throw bad('secondHeight', `before firstHeight (${second} < ${first})`);
  return { first, second };
}

/** GetBlockHashProof: 0 <= height < atHeight (the tip is the node's check). */
export function blockHashProofRequest(raw: Raw): { height: number; at: number } {
  const height = intField(raw, 'height', 0, MAX_HEIGHT - 1);
  const at = intField(raw, 'atHeight', 1, MAX_HEIGHT);
  if (at <= height) throw bad('atHeight', `must be above height (${at} <= ${height})`);
  return { height, at };
}
