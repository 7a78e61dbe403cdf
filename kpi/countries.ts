// ISO 3166-1 lookups for the record's country field: the record carries the numeric code
// (1..999, fits a uint16); alpha-2 is what people, UN/LOCODEs and configuration files use.

import { COUNTRY_TABLE } from './countries-data.js';
import { KpiError, KpiErrorCode } from './errors.js';

export interface Country {
  /** ISO 3166-1 numeric, 1..999. */
  numeric: number;
  /** ISO 3166-1 alpha-2, upper case. */
  alpha2: string;
  /** ISO 3166-1 alpha-3, upper case. */
  alpha3: string;
  name: string;
}

export const COUNTRIES: readonly Country[] = Object.freeze(
  COUNTRY_TABLE.trim()
    .split('\n')
    .map((line) => {
      const [numeric, alpha2, alpha3, name] = line.split('|') as [string, string, string, string];
      return Object.freeze({ numeric: Number(numeric), alpha2, alpha3, name });
    }),
);

const byNumeric = new Map(COUNTRIES.map((c) => [c.numeric, c]));
const byAlpha = new Map(COUNTRIES.flatMap((c) => [[c.alpha2, c] as const, [c.alpha3, c] as const]));

export function countryByNumeric(numeric: number): Country | undefined {
  return byNumeric.get(numeric);
}

/** By alpha-2 or alpha-3, any case. */
export function countryByAlpha(alpha: string): Country | undefined {
  return typeof alpha === 'string' && alpha.length <= 3 ? byAlpha.get(alpha.toUpperCase()) : undefined;
}

/** By numeric code (number or a 1-3 digit string such as "056") or alpha-2/alpha-3 code. */
export function findCountry(ref: number | string): Country | undefined {
  if (typeof ref === 'number') return countryByNumeric(ref);
  if (typeof ref === 'string' && /^[0-9]{1,3}$/.test(ref)) return countryByNumeric(Number(ref));
  return countryByAlpha(ref);
}

/** Like findCountry, but a KpiError when the country is unknown. */
export function requireCountry(ref: number | string): Country {
  const c = findCountry(ref);
  if (!c)
    throw new KpiError(KpiErrorCode.UnknownCountry, `unknown country ${String(ref)}`, {
      country: String(ref),
    });
  return c;
}

export function alpha2ToNumeric(alpha2: string): number {
  return requireCountry(alpha2).numeric;
}

export function numericToAlpha2(numeric: number): string {
  return requireCountry(numeric).alpha2;
}

/** Zero-padded three-digit form of a numeric code, as ISO writes it ("056"). */
export function formatNumeric(numeric: number): string {
  return String(requireCountry(numeric).numeric).padStart(3, '0');
}
