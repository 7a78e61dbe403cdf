// The city field shared by the KPI record, an upload's routing metadata and a site registration:
// scheme u8 + an 8-byte code. UN/LOCODE: 5 ASCII characters then 3 zero bytes; numeric schemes:
// a u64 (<= 2^53-1) written from the canonical decimal string (no sign, no leading zeros).
import { CITY_CODE_BYTES } from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import type { Reader } from './reader.js';
import { type CityCode, CityScheme } from './types.js';
import type { Writer } from './writer.js';

/** Scheme byte + code. */
export const CITY_BYTES = 1 + CITY_CODE_BYTES;

const LOCODE = /^[A-Z]{2}[A-Z2-9]{3}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

function isLocodeChar(c: number, i: number): boolean {
  return (c >= 65 && c <= 90) || (i >= 2 && c >= 50 && c <= 57);
}

export function readCity(r: Reader): CityCode {
  const scheme = r.enumU8(CityScheme.UnLocode, CityScheme.GeoNames, 'city.scheme');
  if (scheme !== CityScheme.UnLocode) return { scheme, code: String(r.u64('city.code')) };
  const at = r.need(CITY_CODE_BYTES, 'city.code');
  const b = r.buf;
  for (let i = 0; i < 5; i++)
    if (!isLocodeChar(b[at + i]!, i))
      throw new CodecError(CodecErrorCode.BadValue, 'city.code: not a UN/LOCODE', { field: 'city.code', at });
  if (b[at + 5]! | b[at + 6]! | b[at + 7]!)
    throw new CodecError(CodecErrorCode.BadValue, 'city.code: padding not zero', { field: 'city.code', at });
  return { scheme, code: String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!) };
}

export function writeCity(w: Writer, city: CityCode): void {
  const { scheme, code } = city;
  w.u8(scheme, 'city.scheme');
  if (scheme === CityScheme.UnLocode) {
    if (typeof code !== 'string' || !LOCODE.test(code)) throw bad('not a UN/LOCODE');
    for (let i = 0; i < 5; i++) w.u8(code.charCodeAt(i));
    w.u8(0).u8(0).u8(0);
  } else if (scheme === CityScheme.NationalNumeric || scheme === CityScheme.GeoNames) {
    if (typeof code !== 'string' || !DECIMAL.test(code)) throw bad('not a canonical decimal');
    w.u64(Number(code), 'city.code');
  } else throw bad('unknown scheme');
}

function bad(message: string): CodecError {
  return new CodecError(CodecErrorCode.InvalidInput, `city: ${message}`, { field: 'city' });
}
