import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_KPI_ENTRIES } from '../../../codec/caps.js';
import {
  CATALOGUE,
  findKpi,
  findSeries,
  KpiErrorCode,
  kpiByCode,
  kpiByName,
  kpiByWire,
  requireKpi,
} from '../../../kpi/index.js';
import { kpiErrorCode } from './helpers.js';

// Wire codes in reference order, pinned: a change here breaks every ledger already written.
const PINNED_WIRES = [
  11101, 11102, 11103, 11104, 11105, 11201, 11202, 11301, 11401, 11402, 11403, 11501, 11502, 11503, 11601,
  11602, 11603, 12101, 12102, 12103, 12201, 12202, 12203, 12204, 13101, 13102, 13103, 13104, 13105, 13201,
  13301, 13302, 13303, 13401, 13402, 13403, 13404, 13405, 13406, 13407, 13408, 13501, 13502, 13601, 13602,
  21101, 21102, 21201, 21202, 21203, 21204, 21301, 21401, 21402, 21501, 21502, 21503, 21504, 22101, 22102,
  22103, 22104, 31101, 31102, 31103, 31104, 31105, 31201, 31202, 31203, 31204, 31205, 31301, 31302, 32101,
  32102, 32201, 32202, 32203, 32204, 32205, 32301, 32302, 32303, 32304, 32305, 32306, 32307, 32308, 32309,
  32401,
];

const DOC = new URL('../../../docs/kpi.md', import.meta.url);
// The U4SSC KPI reference the catalogue was written from, kept in the repository so that every
// clone checks the catalogue against it.
const REFERENCE = new URL('../../fixtures/u4ssc-kpis.md', import.meta.url);

describe('catalogue contents', () => {
  it('holds the 91 KPIs with unique wire codes, code strings and names', () => {
    expect(CATALOGUE).toHaveLength(91);
    expect(new Set(CATALOGUE.map((d) => d.wire)).size).toBe(91);
    expect(new Set(CATALOGUE.map((d) => d.code)).size).toBe(91);
    expect(new Set(CATALOGUE.map((d) => d.name.toLowerCase())).size).toBe(91);
  });

  it('keeps the pinned wire codes in reference order', () => {
    expect(CATALOGUE.map((d) => d.wire)).toEqual(PINNED_WIRES);
  });

  it('follows the wire code rule D*10000 + S*1000 + C*100 + N', () => {
    expect(kpiByCode('EN: EN: AQ: 1C')?.wire).toBe(21101);
    expect(kpiByCode('SC: SH: FS: 1A')?.wire).toBe(32401);
    expect(kpiByCode('EC: I: T: 8A')?.wire).toBe(13408);
    for (const d of CATALOGUE) {
      expect(d.wire % 100).toBe(d.number);
      expect(d.wire).toBeGreaterThanOrEqual(1);
      expect(d.wire).toBeLessThanOrEqual(65535);
    }
  });

  it('has the counts of the reference: 3 dimensions, 7 sub-dimensions, 22 category codes, 54 core', () => {
    expect(new Set(CATALOGUE.map((d) => d.dimension)).size).toBe(3);
    expect(new Set(CATALOGUE.map((d) => `${d.dimension}:${d.subDimension}`)).size).toBe(7);
    expect(new Set(CATALOGUE.map((d) => d.category)).size).toBe(22);
    expect(
      CATALOGUE.filter((d) => d.tier === 'core').length +
        CATALOGUE.filter((d) => d.tier === 'advanced').length,
    ).toBe(91);
  });

  it('matches every code, name and series of the reference file', () => {
    const rows = [
      ...readFileSync(REFERENCE, 'utf8').matchAll(/^\| ([A-Z]+: [A-Z]+: [A-Z]+: \d+[CA]) \| ([^|]+) \|/gm),
    ];
    expect(rows).toHaveLength(91);
    for (const [, code, text] of rows) {
      const def = kpiByCode(code!);
      const [name, series] = text!.trim().split(/ \(series: /);
      expect(def?.code).toBe(code);
      expect(def?.name).toBe(name);
      if (series) expect(def?.series.map((s) => s.name).join(', ')).toBe(series.replace(/\)$/, ''));
    }
  });
});

describe('catalogue and its neighbours', () => {
  it('fits every (KPI, series) pair of the catalogue into one record', () => {
    const pairs = CATALOGUE.reduce((n, d) => n + d.series.length, 0);
    expect(pairs).toBe(112);
    expect(pairs).toBeLessThanOrEqual(MAX_KPI_ENTRIES);
  });

  it('is the table docs/kpi.md shows (wire, code, name, unit, consolidation)', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const d of CATALOGUE) {
      const row = doc
        .split('\n')
        .find((l) => l.startsWith(`| ${d.wire} | ${d.code} | ${d.name} | ${d.unit}`));
      expect(row, d.code).toBeDefined();
      expect(row).toContain(`| ${d.consolidation} |`);
      const max = d.series[0]!.range.max;
      expect(row).toContain(`0..${max === Infinity ? '∞' : max}`);
      for (const s of d.series) expect(row).toContain(s.name);
    }
  });
});

describe('catalogue lookups', () => {
  it('round-trips every KPI through wire code, code string and name', () => {
    for (const d of CATALOGUE) {
      expect(kpiByWire(d.wire)).toBe(d);
      expect(kpiByCode(d.code)).toBe(d);
      expect(kpiByName(d.name)).toBe(d);
      expect(findKpi(d.wire)).toBe(d);
      expect(findKpi(d.code)).toBe(d);
      expect(findKpi(d.name.toUpperCase())).toBe(d);
    }
  });

  it('accepts any spacing and case in code strings, and an omitted tier letter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATALOGUE),
        fc.array(fc.constantFrom('', ' ', '  '), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        (d, pads, lower) => {
          const parts = d.code.split(': ');
          const text = parts.map((p, i) => `${pads[2 * i]}${p}${pads[2 * i + 1]}`).join(':');
          expect(kpiByCode(lower ? text.toLowerCase() : text)).toBe(d);
          expect(kpiByCode(d.code.slice(0, -1))).toBe(d);
        },
      ),
    );
  });

  it('rejects a wrong tier letter, unknown codes and garbage', () => {
    expect(kpiByCode('EN: EN: AQ: 1A')).toBeUndefined();
    expect(kpiByCode('EN: EN: AQ: 9C')).toBeUndefined();
    expect(kpiByCode('EN: EN: AQ')).toBeUndefined();
    expect(kpiByWire(0)).toBeUndefined();
    expect(kpiByWire(21100)).toBeUndefined();
    expect(findKpi('not a KPI')).toBeUndefined();
    expect(kpiErrorCode(() => requireKpi(99999))).toBe(KpiErrorCode.UnknownKpi);
    expect(kpiErrorCode(() => requireKpi('nope'))).toBe(KpiErrorCode.UnknownKpi);
  });

  it('finds series by index or folded name, and needs one for KPIs with series', () => {
    const air = requireKpi('EN: EN: AQ: 1C');
    expect(air.series.map((s) => s.name)).toEqual(['PM10', 'PM2.5', 'NO2', 'SO2', 'O3']);
    expect(findSeries(air, 'pm 2.5')?.index).toBe(1);
    expect(findSeries(air, 4)?.name).toBe('O3');
    expect(findSeries(air, 5)).toBeUndefined();
    expect(findSeries(air, 1.5)).toBeUndefined();
    expect(findSeries(air, undefined)).toBeUndefined();
    const plain = requireKpi('Unemployment rate');
    expect(findSeries(plain, undefined)?.index).toBe(0);
    expect(findSeries(plain, 0)?.index).toBe(0);
    expect(findSeries(plain, 'PM10')).toBeUndefined();
  });
});

describe('catalogue units and ranges', () => {
  it('gives percent 0-100, counts whole >= 0, yes/no 0|1, Gini 0-1, life expectancy <= 150', () => {
    expect(requireKpi('Unemployment rate').series[0]?.range).toEqual({ min: 0, max: 100, integer: false });
    expect(requireKpi('e-Government').series[0]?.range).toEqual({ min: 0, max: Infinity, integer: true });
    expect(requireKpi('Resilience plans').series[0]?.range).toEqual({ min: 0, max: 1, integer: true });
    expect(requireKpi('Gini coefficient').series[0]?.range.max).toBe(1);
    expect(requireKpi('Life expectancy').series[0]?.range.max).toBe(150);
    expect(requireKpi('Travel time index').series[0]?.range.max).toBe(Infinity);
  });

  it('lets a series carry its own unit (Open data: share in %, datasets as a count)', () => {
    const open = requireKpi('Open data');
    expect(open.series.map((s) => [s.name, s.unit])).toEqual([
      ['share', '%'],
      ['datasets', 'count'],
    ]);
  });

  it('marks the two units the reference left unconfirmed', () => {
    expect(CATALOGUE.filter((d) => d.unitUnconfirmed).map((d) => d.code)).toEqual([
      'EC: I: ES: 2C',
      'EN: EN: PSN: 4A',
    ]);
  });

  it('gives every KPI a consolidation kind, and max only to yes/no KPIs', () => {
    for (const d of CATALOGUE) {
      expect(['mean', 'sum', 'last', 'max']).toContain(d.consolidation);
      expect(d.consolidation === 'max').toBe(d.unit === 'yes/no');
    }
  });
});
