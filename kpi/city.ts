// City coding helpers for the record's city field. No single world standard names cities, so the
// record carries a scheme tag and a code (codec/types.ts CityCode): UN/LOCODE (trade locations,
// 2-letter country + 3 characters from A-Z and 2-9), a national numeric administrative code (e.g.
// China's 6-digit GB/T 2260 code), or a GeoNames feature ID (uint32).

import { type CityCode, CityScheme } from '../codec/types.js';
import { countryByAlpha, countryByNumeric } from './countries.js';
import { KpiError, KpiErrorCode } from './errors.js';

/** UN/LOCODE's code for places in international waters or cooperation zones, not an ISO country. */
const INTERNATIONAL = 'XZ';
const GEONAMES_MAX = 0xffff_ffff;
const SCHEME_NAMES: Readonly<Record<CityScheme, string>> = {
  [CityScheme.UnLocode]: 'locode',
  [CityScheme.NationalNumeric]: 'national',
  [CityScheme.GeoNames]: 'geonames',
};

function bad(message: string, code: string): never {
  throw new KpiError(KpiErrorCode.BadCityCode, message, { code: code.slice(0, 40) });
}

/** True for five characters: a known alpha-2 country (or XZ) and three of A-Z, 2-9. */
export function isUnLocode(code: string): boolean {
  if (typeof code !== 'string' || !/^[A-Z]{2}[A-Z2-9]{3}$/.test(code)) return false;
  const country = code.slice(0, 2);
  return country === INTERNATIONAL || countryByAlpha(country) !== undefined;
}

/** Canonical decimal (no sign, no leading zero) of an integer in 1..max, or undefined. */
function canonicalDecimal(text: string, max: number): string | undefined {
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? text : undefined;
}

/**
 * Check a CityCode and return it in canonical form (UN/LOCODE upper case without the space
 * often printed after the country). KpiError BAD_CITY_CODE when it does not fit its scheme.
 */
export function validateCityCode(city: CityCode): CityCode {
  const code = typeof city?.code === 'string' ? city.code : '';
  switch (city?.scheme) {
    case CityScheme.UnLocode: {
      const letters = code.replace(/^([A-Za-z]{2}) /, '$1').toUpperCase();
      if (!isUnLocode(letters)) bad('UN/LOCODE must be a known country + 3 of A-Z, 2-9', code);
      return { scheme: CityScheme.UnLocode, code: letters };
    }
    case CityScheme.NationalNumeric: {
      const digits = canonicalDecimal(code, Number.MAX_SAFE_INTEGER);
      return digits ? { scheme: city.scheme, code: digits } : bad('national code must be 1..2^53-1', code);
    }
    case CityScheme.GeoNames: {
      const digits = canonicalDecimal(code, GEONAMES_MAX);
      return digits ? { scheme: city.scheme, code: digits } : bad('GeoNames ID must be 1..2^32-1', code);
    }
    default:
      return bad(`unknown city scheme ${String(city?.scheme)}`, code);
  }
}

/** Parse "locode:CNSHA", "national:310000" or "geonames:1796236" (the form configuration files use). */
export function parseCityCode(text: string): CityCode {
  const m = typeof text === 'string' ? /^([a-z]+):(.+)$/i.exec(text.trim()) : null;
  const entry = m && Object.entries(SCHEME_NAMES).find(([, name]) => name === m[1]!.toLowerCase());
  if (!m || !entry) return bad('expected locode:, national: or geonames: followed by the code', String(text));
  return validateCityCode({ scheme: Number(entry[0]) as CityScheme, code: m[2]! });
}

/** Inverse of parseCityCode for a valid CityCode. */
export function formatCityCode(city: CityCode): string {
  const valid = validateCityCode(city);
  return `${SCHEME_NAMES[valid.scheme]}:${valid.code}`;
}

/**
 * Whether a city code can belong to a country (ISO numeric): a UN/LOCODE's first two letters must
 * be that country's alpha-2 (XZ fits any); numeric schemes carry no country and always fit.
 */
export function cityMatchesCountry(country: number, city: CityCode): boolean {
  const c = countryByNumeric(country);
  if (!c) return false;
  if (city.scheme !== CityScheme.UnLocode) return true;
  const prefix = city.code.slice(0, 2).toUpperCase();
  return prefix === c.alpha2 || prefix === INTERNATIONAL;
}
