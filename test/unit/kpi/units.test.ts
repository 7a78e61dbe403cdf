import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conversionFactor,
  convert,
  KpiErrorCode,
  parseUnit,
  requireUnit,
  unitRange,
} from '../../../kpi/index.js';
import { kpiErrorCode } from './helpers.js';

describe('parseUnit', () => {
  it('reads compound units into a quantity of families', () => {
    expect(parseUnit('kWh/person/yr')?.quantity).toBe('energy/duration/population');
    expect(parseUnit('µg/m³')?.quantity).toBe('mass/volume');
    expect(parseUnit('/100k')?.quantity).toBe('count/population');
    expect(parseUnit('per 100k')?.quantity).toBe('count/population');
    expect(parseUnit('km per 100k')?.quantity).toBe('length/population');
    expect(parseUnit('yes/no')?.quantity).toBe('boolean');
    expect(parseUnit('%')?.quantity).toBe('fraction');
  });

  it('folds spelling variants: Greek mu, m3, spaces, case, "% of GDP"', () => {
    expect(parseUnit('\u03bcg/m3')?.factor).toBe(parseUnit('µg/m³')?.factor);
    expect(parseUnit('MWH / person / year')?.factor).toBe(parseUnit('MWh/person/yr')?.factor);
    expect(parseUnit('t CO2e/person/yr')?.quantity).toBe('co2e/duration/population');
    expect(parseUnit('% of GDP')?.quantity).toBe('fraction');
    expect(parseUnit('% households')?.factor).toBe(0.01);
  });

  it('returns undefined for unknown tokens, empty denominators, booleans inside compounds, long text', () => {
    expect(parseUnit('furlongs')).toBeUndefined();
    expect(parseUnit('')).toBeUndefined();
    expect(parseUnit('  ')).toBeUndefined();
    expect(parseUnit('kWh/')).toBeUndefined();
    expect(parseUnit('kWh/fortnight')).toBeUndefined();
    expect(parseUnit('bool/yr')).toBeUndefined();
    expect(parseUnit('k'.repeat(100))).toBeUndefined();
    expect(kpiErrorCode(() => requireUnit('furlongs'))).toBe(KpiErrorCode.UnknownUnit);
  });
});

describe('conversion', () => {
  const cases: [number, string, string, number][] = [
    [0.05, 'mg/m³', 'µg/m³', 50],
    [2, 'MWh/person/yr', 'kWh/person/yr', 2000],
    [3600, 'MJ/person/yr', 'kWh/person/yr', 1000],
    [1, 'GJ/person/yr', 'kWh/person/yr', 1000 / 3.6],
    [500, 'kWh/person/yr', 'GJ/person/yr', 1.8],
    [1.5, 'per 1000', '/100k', 150],
    [0.37, 'fraction', '%', 37],
    [12, '‰', '%', 1.2],
    [2500, 'm/100k', 'km/100k', 2.5],
    [90, 'min/customer/yr', 'h/customer/yr', 1.5],
    [0.15, 'm³/person/day', 'L/person/day', 150],
    [30, 'seconds', 'min', 0.5],
    [2, 'km²/100k', 'ha/100k', 200],
    [800, 'kgCO2e/person/yr', 'tCO2e/person/yr', 0.8],
    [1, 'mg/L', 'µg/m³', 1e6],
  ];
  it.each(cases)('%d %s -> %s', (value, from, to, expected) => {
    expect(convert(value, from, to)).toBeCloseTo(expected, 9);
  });

  it('snaps decimal shifts to exact factors', () => {
    expect(conversionFactor(requireUnit('mg/m³'), requireUnit('µg/m³'))).toBe(1000);
    expect(conversionFactor(requireUnit('µg/m³'), requireUnit('mg/m³'))).toBe(0.001);
    expect(conversionFactor(requireUnit('ekWh/m²/yr'), requireUnit('kWh/m2/yr'))).toBe(1);
    expect(convert(0.05, 'mg/m³', 'µg/m³')).toBe(50);
  });

  it('refuses to convert between quantities: a city total is not a per-person value', () => {
    expect(conversionFactor(requireUnit('kWh'), requireUnit('kWh/person/yr'))).toBeUndefined();
    expect(kpiErrorCode(() => convert(1, 'km', '%'))).toBe(KpiErrorCode.IncompatibleUnit);
    expect(kpiErrorCode(() => convert(1, 'furlong', '%'))).toBe(KpiErrorCode.UnknownUnit);
  });

  it('converts there and back to the same value (within rounding)', () => {
    const pairs = [
      ['mg/m³', 'µg/m³'],
      ['GJ/person/yr', 'kWh/person/yr'],
      ['per 1000', '/100k'],
      ['fraction', '%'],
      ['h/customer/yr', 'min/customer/yr'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.double({ min: 0, max: 1e12, noNaN: true }), ([a, b], v) => {
        const back = convert(convert(v, a, b), b, a);
        expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-12);
      }),
    );
  });
});

describe('unitRange', () => {
  it('derives the default range from the canonical unit', () => {
    expect(unitRange(requireUnit('%'))).toEqual({ min: 0, max: 100, integer: false });
    expect(unitRange(requireUnit('fraction'))).toEqual({ min: 0, max: 1, integer: false });
    expect(unitRange(requireUnit('yes/no'))).toEqual({ min: 0, max: 1, integer: true });
    expect(unitRange(requireUnit('count'))).toEqual({ min: 0, max: Infinity, integer: true });
    expect(unitRange(requireUnit('ratio'))).toEqual({ min: 0, max: Infinity, integer: false });
    expect(unitRange(requireUnit('/100k'))).toEqual({ min: 0, max: Infinity, integer: false });
  });
});
