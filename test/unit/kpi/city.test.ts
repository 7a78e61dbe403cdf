import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CityScheme } from '../../../codec/types.js';
import {
  COUNTRIES,
  cityMatchesCountry,
  formatCityCode,
  isUnLocode,
  KpiErrorCode,
  parseCityCode,
  validateCityCode,
} from '../../../kpi/index.js';
import { kpiErrorCode } from './helpers.js';

describe('UN/LOCODE', () => {
  it('accepts a known country and three of A-Z, 2-9', () => {
    expect(isUnLocode('CNSHA')).toBe(true);
    expect(isUnLocode('DEHAM')).toBe(true);
    expect(isUnLocode('US2NY')).toBe(true);
    expect(isUnLocode('XZ9AA')).toBe(true);
  });

  it('rejects digits 0 and 1, lower case, wrong length and unknown countries', () => {
    for (const bad of ['CNSH0', 'CNSH1', 'cnsha', 'CNSH', 'CNSHAX', 'ZZSHA', 'C-SHA'])
      expect(isUnLocode(bad)).toBe(false);
  });

  it('canonicalizes case and the printed space', () => {
    expect(validateCityCode({ scheme: CityScheme.UnLocode, code: 'cn sha' })).toEqual({
      scheme: CityScheme.UnLocode,
      code: 'CNSHA',
    });
  });
});

describe('numeric schemes', () => {
  it('accepts canonical decimals within each scheme', () => {
    expect(validateCityCode({ scheme: CityScheme.NationalNumeric, code: '310000' }).code).toBe('310000');
    expect(validateCityCode({ scheme: CityScheme.GeoNames, code: '4294967295' }).code).toBe('4294967295');
    expect(validateCityCode({ scheme: CityScheme.NationalNumeric, code: '9007199254740991' }).code).toBe(
      '9007199254740991',
    );
  });

  it.each([
    [CityScheme.NationalNumeric, '0'],
    [CityScheme.NationalNumeric, '0310000'],
    [CityScheme.NationalNumeric, '9007199254740992'],
    [CityScheme.NationalNumeric, '-5'],
    [CityScheme.GeoNames, '4294967296'],
    [CityScheme.GeoNames, '12a'],
    [9 as CityScheme, '1'],
  ])('rejects scheme %d code %s', (scheme, code) => {
    expect(kpiErrorCode(() => validateCityCode({ scheme, code }))).toBe(KpiErrorCode.BadCityCode);
  });
});

describe('text form', () => {
  it('round-trips parse and format for each scheme', () => {
    for (const text of ['locode:CNSHA', 'national:310000', 'geonames:1796236']) {
      expect(formatCityCode(parseCityCode(text))).toBe(text);
    }
    expect(parseCityCode('LOCODE:cn sha')).toEqual({ scheme: CityScheme.UnLocode, code: 'CNSHA' });
  });

  it('rejects unknown scheme names and bare codes', () => {
    expect(kpiErrorCode(() => parseCityCode('zip:12345'))).toBe(KpiErrorCode.BadCityCode);
    expect(kpiErrorCode(() => parseCityCode('CNSHA'))).toBe(KpiErrorCode.BadCityCode);
  });
});

describe('cityMatchesCountry', () => {
  it('ties a UN/LOCODE to its country, lets numeric schemes and XZ fit any', () => {
    expect(cityMatchesCountry(156, { scheme: CityScheme.UnLocode, code: 'CNSHA' })).toBe(true);
    expect(cityMatchesCountry(250, { scheme: CityScheme.UnLocode, code: 'CNSHA' })).toBe(false);
    expect(cityMatchesCountry(250, { scheme: CityScheme.UnLocode, code: 'XZ9AA' })).toBe(true);
    expect(cityMatchesCountry(156, { scheme: CityScheme.GeoNames, code: '1796236' })).toBe(true);
    expect(cityMatchesCountry(999, { scheme: CityScheme.GeoNames, code: '1796236' })).toBe(false);
  });
});

describe('round trips (property)', () => {
  const locodeChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789');
  const locode = fc
    .tuple(fc.constantFrom(...COUNTRIES.map((c) => c.alpha2)), locodeChar, locodeChar, locodeChar)
    .map(([country, a, b, c]) => `${country}${a}${b}${c}`);

  it('any valid UN/LOCODE, national code or GeoNames ID survives format -> parse', () => {
    const city = fc.oneof(
      locode.map((code) => ({ scheme: CityScheme.UnLocode, code })),
      fc
        .integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
        .map((n) => ({ scheme: CityScheme.NationalNumeric, code: String(n) })),
      fc.integer({ min: 1, max: 0xffff_ffff }).map((n) => ({ scheme: CityScheme.GeoNames, code: String(n) })),
    );
    fc.assert(
      fc.property(city, (c) => {
        expect(parseCityCode(formatCityCode(c))).toEqual(c);
        expect(validateCityCode(c)).toEqual(c);
      }),
    );
  });

  it('a UN/LOCODE fits exactly the country of its first two letters', () => {
    fc.assert(
      fc.property(locode, fc.constantFrom(...COUNTRIES), (code, country) => {
        const city = { scheme: CityScheme.UnLocode, code };
        expect(cityMatchesCountry(country.numeric, city)).toBe(code.startsWith(country.alpha2));
      }),
    );
  });
});
