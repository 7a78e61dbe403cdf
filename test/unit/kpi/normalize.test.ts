import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KpiQuality } from '../../../codec/types.js';
import {
  DropReason,
  distinctCodes,
  KpiErrorCode,
  normalize,
  type RawReading,
  requireKpi,
} from '../../../kpi/index.js';
import { kpiErrorCode } from './helpers.js';

const at = (kpi: string, value: number, time: number, extra: Partial<RawReading> = {}): RawReading => {
  const def = requireKpi(kpi);
  return { kpi, value, time, unit: def.unit, source: 'feed', ...extra };
};

describe('normalize: consolidation kinds', () => {
  it('mean: air pollution averages the period readings', () => {
    const rs = [10, 20, 30].map((v, i) => at('Air pollution', v, i, { series: 'PM10' }));
    const { entries, drops } = normalize(rs);
    expect(drops).toEqual([]);
    expect(entries).toEqual([{ code: 21101, series: 0, value: 20, flags: KpiQuality.Consolidated }]);
  });

  it('sum: electricity consumption adds increments, converted ones flagged', () => {
    const rs = [
      at('Electricity consumption', 100, 1),
      at('Electricity consumption', 0.2, 2, { unit: 'MWh/person/yr' }),
    ];
    const { entries } = normalize(rs);
    expect(entries).toEqual([
      { code: 22102, series: 0, value: 300, flags: KpiQuality.Consolidated | KpiQuality.Converted },
    ]);
  });

  it('last: the latest reading stands, with its own flags only', () => {
    const rs = [
      at('Household Internet access', 0.5, 5, { unit: 'fraction' }),
      at('Household Internet access', 70, 9, { flags: KpiQuality.Provisional }),
      at('Household Internet access', 60, 7),
    ];
    const { entries } = normalize(rs);
    expect(entries).toEqual([
      { code: 11101, series: 0, value: 70, flags: KpiQuality.Provisional | KpiQuality.Consolidated },
    ]);
  });

  it('max: a yes/no KPI is yes when any reading says yes', () => {
    const rs = [at('Resilience plans', 0, 1), at('Resilience plans', 1, 2), at('Resilience plans', 0, 3)];
    expect(normalize(rs).entries[0]?.value).toBe(1);
  });

  it('a single reading is not flagged Consolidated', () => {
    expect(normalize([at('Unemployment rate', 7, 1)]).entries[0]?.flags).toBe(0);
  });

  it('keeps series apart and sorts entries by code then series; distinctCodes gives routing codes', () => {
    const rs = [
      at('Air pollution', 40, 1, { series: 'O3' }),
      at('Unemployment rate', 5, 1),
      at('Air pollution', 9, 1, { series: 0 }),
    ];
    const { entries } = normalize(rs);
    expect(entries.map((e) => [e.code, e.series])).toEqual([
      [12201, 0],
      [21101, 0],
      [21101, 4],
    ]);
    expect(distinctCodes(entries)).toEqual([12201, 21101]);
  });
});

describe('normalize: duplicates, conflicts and group drops', () => {
  it('drops an identical copy as DUPLICATE and both sides of a conflict as CONFLICTING', () => {
    const rs = [
      at('Unemployment rate', 5, 1),
      at('Unemployment rate', 5, 1),
      at('Unemployment rate', 6, 2),
      at('Unemployment rate', 7, 2),
      at('Unemployment rate', 7, 2, { source: 'other feed' }),
    ];
    const { entries, drops, accepted } = normalize(rs);
    expect(drops.map((d) => [d.index, d.reason])).toEqual([
      [1, DropReason.Duplicate],
      [2, DropReason.Conflicting],
      [3, DropReason.Conflicting],
    ]);
    expect(accepted).toBe(2);
    expect(entries[0]?.value).toBe(6);
  });

  it('drops every contributor when a sum leaves the range', () => {
    const rs = [at('Disaster related economic losses', 60, 1), at('Disaster related economic losses', 50, 2)];
    const { entries, drops } = normalize(rs);
    expect(entries).toEqual([]);
    expect(drops.map((d) => d.reason)).toEqual([
      DropReason.ConsolidatedOutOfRange,
      DropReason.ConsolidatedOutOfRange,
    ]);
  });

  it('reports per-reading drops by input index, ascending', () => {
    const rs = [
      at('Unemployment rate', 500, 1),
      at('Unemployment rate', 5, 1),
      { kpi: 'Nope', value: 1, time: 1, unit: '%', source: 'feed' },
    ];
    expect(normalize(rs).drops.map((d) => [d.index, d.reason])).toEqual([
      [0, DropReason.OutOfRange],
      [2, DropReason.UnknownKpi],
    ]);
  });
});

describe('normalize: API misuse', () => {
  it('throws KpiError for an inverted period or more readings than the cap', () => {
    expect(kpiErrorCode(() => normalize([], { period: { start: 5, end: 5 } }))).toBe(
      KpiErrorCode.InvalidArgument,
    );
    expect(
      kpiErrorCode(() => normalize([at('Poverty', 1, 1), at('Poverty', 1, 2)], { maxReadings: 1 })),
    ).toBe(KpiErrorCode.InvalidArgument);
    expect(kpiErrorCode(() => normalize('x' as unknown as RawReading[]))).toBe(KpiErrorCode.InvalidArgument);
  });
});

// ---------------------------------------------------------------- properties

const UNITS_BY_QUANTITY: Record<string, string[]> = {
  '%': ['%', 'fraction', '‰'],
  '/100k': ['/100k', 'per 1000', 'per 10k', '/capita'],
  'µg/m³': ['µg/m³', 'mg/m³', 'ng/m³'],
  'kWh/person/yr': ['kWh/person/yr', 'MWh/person/yr', 'GJ/person/yr', 'MJ/person/yr'],
  'yes/no': ['yes/no'],
};
// A few KPIs, one per consolidation kind and unit family, so that groups hold many readings.
const POOL = ['Air pollution', 'Unemployment rate', 'Electricity consumption', 'Violent crime rate']
  .concat([
    'Household Internet access',
    'Physicians',
    'Resilience plans',
    'Urban development and spatial planning',
  ])
  .map((name) => requireKpi(name));

// Mostly valid values on few times and sources, so that groups are large, ties in time are common
// and the kinds really reduce; a tail of wild doubles and integers exercises the drops.
const anyReading = fc.record({
  def: fc.constantFrom(...POOL),
  seriesPick: fc.nat(),
  value: fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 200 }) },
  ),
  unitPick: fc.nat(),
  time: fc.integer({ min: 0, max: 30 }),
  source: fc.constantFrom('a', 'b', 'c'),
});

type Gen = typeof anyReading extends fc.Arbitrary<infer T> ? T : never;
function toRaw(g: Gen): RawReading {
  const series = g.def.series[g.seriesPick % g.def.series.length]!;
  const units = UNITS_BY_QUANTITY[series.unit]!;
  return {
    kpi: g.def.wire,
    series: series.index,
    value: g.value,
    unit: units[g.unitPick % units.length]!,
    time: g.time,
    source: g.source,
  };
}

describe('normalize: properties', () => {
  it('every reading is either counted or dropped with a reason, and every entry is in range', () => {
    fc.assert(
      fc.property(fc.array(anyReading, { maxLength: 60 }), (gens) => {
        const raws = gens.map(toRaw);
        const { entries, drops, accepted } = normalize(raws);
        expect(accepted + drops.length).toBe(raws.length);
        expect(new Set(drops.map((d) => d.index)).size).toBe(drops.length);
        for (const d of drops) expect(Object.values(DropReason)).toContain(d.reason);
        for (const e of entries) {
          const range = requireKpi(e.code).series[e.series]!.range;
          expect(Number.isFinite(e.value)).toBe(true);
          expect(e.value).toBeGreaterThanOrEqual(range.min);
          expect(e.value).toBeLessThanOrEqual(range.max);
        }
      }),
    );
  });

  it('is independent of input order for every consolidation kind (same entries, same drop reasons)', () => {
    fc.assert(
      fc.property(
        fc
          .array(anyReading, { maxLength: 40 })
          .chain((gens) =>
            fc.tuple(
              fc.constant(gens),
              fc.shuffledSubarray(gens, { minLength: gens.length, maxLength: gens.length }),
            ),
          ),
        ([gens, shuffled]) => {
          const a = normalize(gens.map(toRaw));
          const b = normalize(shuffled.map(toRaw));
          expect(b.entries).toEqual(a.entries);
          const reasons = (r: typeof a) => r.drops.map((d) => d.reason).sort();
          expect(reasons(b)).toEqual(reasons(a));
        },
      ),
    );
  });

  it('gives bit-identical mean, sum, max and last for any permutation of valid readings', () => {
    const kinds = ['Air pollution', 'Electricity consumption', 'Resilience plans', 'Physicians'];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 25 }),
        fc.nat(),
        (name, fractions, seed) => {
          const def = requireKpi(name);
          const scale = def.unit === 'yes/no' ? 1 : 100;
          const raws = fractions.map((f, i) =>
            at(name, def.unit === 'yes/no' ? Math.round(f) : f * scale, i % 7, {
              series: 0,
              source: `s${i}`,
            }),
          );
          // A deterministic shuffle from the seed (Fisher-Yates with a small LCG), so failures replay.
          const shuffled = [...raws];
          let x = seed;
          for (let i = shuffled.length - 1; i > 0; i--) {
            x = (x * 1103515245 + 12345) % 2 ** 31;
            const j = x % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          expect(normalize(shuffled).entries).toEqual(normalize(raws).entries);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a mean lies between the smallest and largest reading, a sum equals the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (values) => {
          const air = normalize(values.map((v, i) => at('Air pollution', v, i, { series: 'NO2' })))
            .entries[0]!;
          expect(air.value).toBeGreaterThanOrEqual(Math.min(...values));
          expect(air.value).toBeLessThanOrEqual(Math.max(...values));
          const sum = normalize(values.map((v, i) => at('Electricity consumption', v, i))).entries[0]!;
          expect(sum.value).toBeCloseTo(
            values.reduce((x, y) => x + y, 0),
            6,
          );
        },
      ),
    );
  });
});
