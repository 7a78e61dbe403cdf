import { describe, expect, it } from 'vitest';
import { KpiQuality } from '../../../codec/types.js';
import { DropReason, normalizeReading, type RawReading, requireKpi } from '../../../kpi/index.js';

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
