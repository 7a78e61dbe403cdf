import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KpiQuality } from '../../../codec/types.js';
import { checkEntry, DropReason, describeEntry, normalize, requireKpi } from '../../../kpi/index.js';

const reasonOf = (code: number, series: number, value: number) => {
  const r = checkEntry({ code, series, value, flags: 0 });
  return r.ok ? 'ok' : r.reason;
};

describe('checkEntry', () => {
  it('accepts catalogue values and names their KPI and series', () => {
    const r = checkEntry({ code: 21101, series: 1, value: 12.5, flags: KpiQuality.Converted });
    expect(r.ok && [r.def.name, r.series.name]).toEqual(['Air pollution', 'PM2.5']);
  });

  it.each([
    [99, 0, 1, DropReason.UnknownKpi],
    [21101, 5, 1, DropReason.UnknownSeries],
    [12201, 1, 1, DropReason.UnknownSeries],
    [12201, 0, Number.NaN, DropReason.NonFinite],
    [12201, 0, 100.5, DropReason.OutOfRange],
    [32303, 0, 0.5, DropReason.NotInteger],
    [21101, 0, -3, DropReason.OutOfRange],
  ])('code %d series %d value %d -> %s', (code, series, value, reason) => {
    expect(reasonOf(code, series, value)).toBe(reason);
  });

  it('accepts every entry normalize() produces', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('Air pollution', 'Poverty', 'Resilience plans'),
            fc.double({ min: 0, max: 1 }),
          ),
          {
            maxLength: 20,
          },
        ),
        (rows) => {
          const raws = rows.map(([name, f], i) => {
            const def = requireKpi(name);
            const value = def.unit === 'yes/no' ? Math.round(f) : f * 100;
            return { kpi: name, series: 0, value, unit: def.unit, time: i, source: 's' };
          });
          for (const e of normalize(raws).entries) expect(checkEntry(e).ok).toBe(true);
        },
      ),
    );
  });
});

describe('describeEntry', () => {
  it('labels known entries with code, name, series and unit, unknown ones by number', () => {
    expect(describeEntry({ code: 21101, series: 1, value: 12, flags: 0 })).toBe(
      'EN: EN: AQ: 1C Air pollution [PM2.5] = 12 µg/m³',
    );
    expect(describeEntry({ code: 12201, series: 0, value: 5, flags: 0 })).toBe(
      'EC: P: EM: 1C Unemployment rate = 5 %',
    );
    expect(describeEntry({ code: 7, series: 0, value: 5, flags: 0 })).toBe('KPI 7 series 0 = 5');
  });
});
