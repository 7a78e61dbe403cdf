import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KpiQuality } from '../../../codec/types.js';
import {
  CATALOGUE,
  conversionFactor,
  DropReason,
  normalizeReading,
  type RawReading,
  requireKpi,
  requireUnit,
} from '../../../kpi/index.js';

const AIR = requireKpi('EN: EN: AQ: 1C');
const base: RawReading = {
  kpi: AIR.wire,
  series: 'PM2.5',
  value: 12,
  unit: 'µg/m³',
  time: 1_000,
  source: 's1',
};

function reasonOf(r: Partial<RawReading> | unknown, rules = {}): DropReason | 'ok' {
  const result = normalizeReading({ ...base, ...(r as object) } as RawReading, rules);
  return result.ok ? 'ok' : result.reason;
}

describe('normalizeReading: mapping', () => {
  it('maps a reading by wire code, code string or name onto the catalogue entry and series', () => {
    for (const kpi of [21101, 'EN: EN: AQ: 1C', 'en:en:aq:1', 'Air pollution']) {
      const r = normalizeReading({ ...base, kpi });
      expect(r.ok && [r.reading.def.wire, r.reading.series.index]).toEqual([21101, 1]);
    }
  });

  it('keeps a value already in the canonical unit unflagged, and passes source flags through', () => {
    const r = normalizeReading({ ...base, flags: KpiQuality.Estimated });
    expect(r.ok && [r.reading.value, r.reading.flags, r.reading.converted]).toEqual([
      12,
      KpiQuality.Estimated,
      false,
    ]);
  });

  it('converts the unit and sets the Converted flag', () => {
    const r = normalizeReading({ ...base, value: 0.012, unit: 'mg/m3' });
    expect(r.ok && [r.reading.value, r.reading.flags]).toEqual([12, KpiQuality.Converted]);
  });

  it('folds -0 into 0 so that later steps cannot depend on its sign', () => {
    const r = normalizeReading({ ...base, value: -0 });
    expect(r.ok && Object.is(r.reading.value, 0)).toBe(true);
  });
});

describe('normalizeReading: every drop reason', () => {
  it.each<[string, unknown, DropReason]>([
    ['value as a string', { value: '12' }, DropReason.Malformed],
    ['kpi as an object', { kpi: {} }, DropReason.Malformed],
    ['flags outside a byte', { flags: 256 }, DropReason.Malformed],
    ['source too long', { source: 'x'.repeat(300) }, DropReason.Malformed],
    ['unknown KPI name', { kpi: 'Happiness' }, DropReason.UnknownKpi],
    ['unknown wire code', { kpi: 99 }, DropReason.UnknownKpi],
    ['missing series on a KPI with series', { series: undefined }, DropReason.UnknownSeries],
    ['unknown series name', { series: 'CO' }, DropReason.UnknownSeries],
    ['series index past the end', { series: 5 }, DropReason.UnknownSeries],
    ['fractional time', { time: 1.5 }, DropReason.BadTime],
    ['negative time', { time: -1 }, DropReason.BadTime],
    ['NaN value', { value: Number.NaN }, DropReason.NonFinite],
    ['infinite value', { value: Number.POSITIVE_INFINITY }, DropReason.NonFinite],
    ['overflow in conversion', { value: 1e306, unit: 'g/m³' }, DropReason.NonFinite],
    ['unknown unit', { unit: 'ppb' }, DropReason.UnknownUnit],
    ['unit of another quantity', { unit: 'kWh' }, DropReason.IncompatibleUnit],
    ['negative concentration', { value: -1 }, DropReason.OutOfRange],
  ])('%s', (_, patch, reason) => {
    expect(reasonOf(patch)).toBe(reason);
  });

  it('drops percentages over 100, fractional counts, yes/no other than 0 or 1', () => {
    expect(reasonOf({ kpi: 'Unemployment rate', series: undefined, value: 101, unit: '%' })).toBe(
      DropReason.OutOfRange,
    );
    expect(reasonOf({ kpi: 'Unemployment rate', series: undefined, value: 1.01, unit: 'fraction' })).toBe(
      DropReason.OutOfRange,
    );
    expect(reasonOf({ kpi: 'e-Government', series: undefined, value: 2.5, unit: 'count' })).toBe(
      DropReason.NotInteger,
    );
    expect(reasonOf({ kpi: 'Resilience plans', series: undefined, value: 2, unit: 'yes/no' })).toBe(
      DropReason.OutOfRange,
    );
  });

  it('drops readings outside the period [start, end) and KPIs the site may not upload', () => {
    const period = { start: 1_000, end: 2_000 };
    expect(reasonOf({ time: 999 }, { period })).toBe(DropReason.OutOfPeriod);
    expect(reasonOf({ time: 2_000 }, { period })).toBe(DropReason.OutOfPeriod);
    expect(reasonOf({ time: 1_000 }, { period })).toBe('ok');
    expect(reasonOf({}, { allowedCodes: new Set([11101]) })).toBe(DropReason.NotAllowed);
    expect(reasonOf({}, { allowedCodes: new Set([21101]) })).toBe('ok');
  });

  it('never throws, whatever the reading holds', () => {
    for (const junk of [null, 42, 'x', [], { kpi: null }, { ...base, unit: null }, { ...base, time: '1' }]) {
      const r = normalizeReading(junk as unknown as RawReading);
      expect(r.ok).toBe(false);
    }
  });
});

// Unit spellings to try on every KPI; each series keeps those that convert to its canonical unit.
const UNIT_POOL = [
  '%',
  'fraction',
  '‰',
  'ratio',
  'count',
  'yes/no',
  '/100k',
  'per 1000',
  '/capita',
  '/100k/yr',
]
  .concat([
    'per 1000 per year',
    '/customer/yr',
    'h/customer/yr',
    'min/customer/yr',
    'km/100k',
    'm/1000',
    'ha/100k',
  ])
  .concat([
    'm²/capita',
    'µg/m³',
    'mg/m³',
    'tCO2e/person/yr',
    'kgCO2e/capita/yr',
    'L/person/day',
    'm³/person/yr',
  ])
  .concat([
    'kWh/person/yr',
    'MWh/person/yr',
    'GJ/person/yr',
    'MJ/person/yr',
    'ekWh/m²/yr',
    'MWh/m2/yr',
    'yr',
    'min',
    's',
  ]);

describe('normalizeReading: property over the whole catalogue', () => {
  const cases = CATALOGUE.flatMap((def) =>
    def.series.map((s) => ({
      def,
      series: s,
      units: UNIT_POOL.filter((u) => conversionFactor(requireUnit(u), s.parsedUnit) !== undefined),
    })),
  );

  it('offers at least the canonical unit for every series', () => {
    for (const c of cases) expect(c.units.length, `${c.def.code} ${c.series.name}`).toBeGreaterThan(0);
  });

  it('keeps a converted value inside its range, or drops it as out of range, not whole or non-finite', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.nat(), fc.double(), ({ def, series, units }, pick, value) => {
        const unit = units[pick % units.length]!;
        const r = normalizeReading({
          kpi: def.code,
          series: series.index,
          value,
          unit,
          time: 0,
          source: 's',
        });
        if (r.ok) {
          expect(r.reading.value).toBeGreaterThanOrEqual(series.range.min);
          expect(r.reading.value).toBeLessThanOrEqual(series.range.max);
          expect(Number.isFinite(r.reading.value)).toBe(true);
          expect(r.reading.converted).toBe(conversionFactor(requireUnit(unit), series.parsedUnit) !== 1);
        } else {
          expect([DropReason.OutOfRange, DropReason.NotInteger, DropReason.NonFinite]).toContain(r.reason);
        }
      }),
      { numRuns: 500 },
    );
  });
});
