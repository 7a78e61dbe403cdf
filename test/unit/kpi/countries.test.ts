import { describe, expect, it } from 'vitest';
import {
  alpha2ToNumeric,
  COUNTRIES,
  countryByAlpha,
  findCountry,
  formatNumeric,
  KpiErrorCode,
  numericToAlpha2,
} from '../../../kpi/index.js';
import { kpiErrorCode } from './helpers.js';

describe('ISO 3166-1 table', () => {
  it('holds all 249 countries with unique numeric, alpha-2 and alpha-3 codes in their formats', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(COUNTRIES.map((c) => c.numeric)).size).toBe(249);
    expect(new Set(COUNTRIES.map((c) => c.alpha2)).size).toBe(249);
    expect(new Set(COUNTRIES.map((c) => c.alpha3)).size).toBe(249);
    for (const c of COUNTRIES) {
      expect(c.numeric).toBeGreaterThanOrEqual(1);
      expect(c.numeric).toBeLessThanOrEqual(999);
      expect(c.alpha2).toMatch(/^[A-Z]{2}$/);
      expect(c.alpha3).toMatch(/^[A-Z]{3}$/);
      expect(c.name.length).toBeGreaterThan(0);
    }
  });

  it('knows well-known codes', () => {
    expect(alpha2ToNumeric('CN')).toBe(156);
    expect(alpha2ToNumeric('fr')).toBe(250);
    expect(numericToAlpha2(840)).toBe('US');
    expect(numericToAlpha2(56)).toBe('BE');
    expect(countryByAlpha('DEU')?.numeric).toBe(276);
    expect(findCountry('056')?.alpha2).toBe('BE');
    expect(formatNumeric(4)).toBe('004');
  });

  it('round-trips numeric <-> alpha-2 for every country', () => {
    for (const c of COUNTRIES) expect(alpha2ToNumeric(numericToAlpha2(c.numeric))).toBe(c.numeric);
  });

  it('rejects codes that are not assigned', () => {
    expect(findCountry(0)).toBeUndefined();
    expect(findCountry('ZZ')).toBeUndefined();
    expect(findCountry('XZ')).toBeUndefined();
    expect(kpiErrorCode(() => numericToAlpha2(999))).toBe(KpiErrorCode.UnknownCountry);
    expect(kpiErrorCode(() => alpha2ToNumeric('QQ'))).toBe(KpiErrorCode.UnknownCountry);
  });
});
