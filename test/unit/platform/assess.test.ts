import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AssessRow, assess } from '../../../platform/assess.js';
import { rowsFromPackets } from '../../../platform/assess-input.js';
import { mad, median, quantile, robustOutliers } from '../../../platform/assess-stats.js';
import { formatQualityTable } from '../../../platform/assess-table.js';
import { PacketFailure, type StoredPacket } from '../../../platform/outcome.js';

const H = 3_600_000;
const T = Date.UTC(2026, 0, 1);

function row(
  site: string,
  city: string,
  period: number,
  value: number,
  over: Partial<AssessRow> = {},
): AssessRow {
  const time = T + period * H + 60_000;
  return {
    site,
    city,
    kpi: 12201,
    series: 0,
    value,
    flags: 0,
    time,
    commitTime: time + 30_000,
    uploadTime: time + 28_000,
    tracingCode: `${site}-${period}-${value}`,
    ...over,
  };
}

describe('robust statistics', () => {
  it('median, quantiles and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(quantile([0, 10], 0.95)).toBeCloseTo(9.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('flags a wild value and nothing in a tight series', () => {
    expect(robustOutliers([5, 5.1, 4.9, 5.2, 5, 50])).toEqual([5]);
    expect(robustOutliers([5, 5.1, 4.9, 5.2, 5])).toEqual([]);
    expect(robustOutliers([7, 7, 7, 7, 8])).toEqual([4]);
    expect(robustOutliers([1, 1000])).toEqual([]);
  });

  it('outliers do not change under shift and positive scale', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: 1, max: 50 }),
        (xs, shift, scale) => {
          expect(robustOutliers(xs.map((x) => x * scale + shift))).toEqual(robustOutliers(xs));
        },
      ),
    );
  });
});

describe('assess', () => {
  // Ten hourly periods; site a misses periods 3, 4 and 8, sends period 1 twice, one wild value and
  // one out-of-range value; site b is complete; site a's second KPI never arrives.
  const rows: AssessRow[] = [];
  for (let p = 0; p < 10; p++) {
    if (![3, 4, 8].includes(p))
      rows.push(row('a', 'CNSHA', p, p === 6 ? 60 : p === 9 ? 150 : 5 + (p % 3) / 10));
    rows.push(row('b', 'CNBJS', p, 7 + (p % 2) / 10));
  }
  rows.push(row('a', 'CNSHA', 1, 5.1, { tracingCode: 'dup' }));
  const report = assess(rows, {
    periodMs: H,
    from: T,
    to: T + 10 * H,
    expected: [{ site: 'a', city: 'CNSHA', kpis: [12201, 13303] }],
    failed: { a: 2 },
  });

  it('measures completeness, gaps and duplicates per series', () => {
    const a = report.series.find((s) => s.site === 'a' && s.kpi === 12201)!;
    expect(a).toMatchObject({ expected: 10, received: 7, gaps: 3, duplicates: 1 });
    expect(a.completeness).toBeCloseTo(0.7);
    expect(a.gapRuns).toEqual([
      [T + 3 * H, T + 5 * H],
      [T + 8 * H, T + 9 * H],
    ]);
    const missing = report.series.find((s) => s.site === 'a' && s.kpi === 13303)!;
    expect(missing).toMatchObject({ expected: 10, received: 0, completeness: 0, gaps: 10, latency: null });
  });

  it('checks validity by catalogue range and flags outliers by robust z-score', () => {
    const a = report.series.find((s) => s.site === 'a' && s.kpi === 12201)!;
    expect(a.invalidCodes).toEqual(['a-9-150']);
    expect(a.outlierCodes.sort()).toEqual(['a-6-60', 'a-9-150']);
    expect(report.series.find((s) => s.site === 'b')!.outliers).toBe(0);
  });

  it('measures timeliness and rolls up per site, city and KPI', () => {
    expect(report.overall.latency).toEqual({ medianMs: 30_000, p95Ms: 30_000, maxMs: 30_000 });
    expect(report.overall.commitLatency).toEqual({ medianMs: 2000, p95Ms: 2000, maxMs: 2000 });
    expect(report.bySite.a).toMatchObject({ expected: 20, received: 7, failed: 2 });
    expect(report.bySite.b).toMatchObject({ expected: 10, received: 10, completeness: 1, failed: 0 });
    expect(report.byCity.CNSHA).toMatchObject({ failed: 2, gaps: 13 });
    expect(report.byKpi['12201']).toMatchObject({ expected: 20, received: 17, duplicates: 1 });
    expect(report.overall).toMatchObject({ expected: 30, received: 17, failed: 2 });
  });

  it('prints a readable table', () => {
    const text = formatQualityTable(report);
    expect(text).toMatch(/10 periods of 3600.0s/);
    expect(text).toMatch(/Unemployment rate/);
    expect(text.split('\n').find((l) => l.trim().startsWith('b '))).toMatch(/10\s+10\s+100.0%/);
  });

  it('takes its window from the data when none is given', () => {
    const r = assess([row('a', 'X', 2, 1), row('a', 'X', 5, 1)], { periodMs: H });
    expect(r).toMatchObject({ from: T + 2 * H, to: T + 6 * H, periods: 4 });
    expect(r.overall).toMatchObject({ received: 2, gaps: 2 });
  });

  it('with city or KPI, keeps only matching series, expected KPIs included; failed packets follow their site', () => {
    const o = {
      periodMs: H,
      expected: [{ site: 'a', city: 'CNSHA', kpis: [12201, 13303] }],
      failed: { a: 2 },
    };
    const kpiOnly = assess(rows, { ...o, kpi: 13303 });
    expect(kpiOnly.series.map((s) => [s.site, s.kpi])).toEqual([['a', 13303]]);
    // A failed packet names no trusted KPI: it still counts for its site, which has a series here.
    expect(kpiOnly.overall).toMatchObject({ expected: 10, received: 0, failed: 2 });
    // The window is the one of the whole report (the data's span), not of the kept series.
    expect(kpiOnly).toMatchObject({ from: report.from, to: report.to });
    const cnbjs = assess(rows, { ...o, city: 'CNBJS' });
    expect(cnbjs.series.map((s) => s.site)).toEqual(['b']);
    expect(cnbjs.overall.failed).toBe(0);
    expect(Object.keys(cnbjs.bySite)).toEqual(['b']);
    expect(cnbjs.series[0]).toEqual(report.series.find((s) => s.site === 'b'));
    expect(assess(rows, { ...o, city: 'CNBJS', kpi: 13303 }).series).toEqual([]);
  });
});

describe('rows from stored packets', () => {
  it('one row per value; failures counted per site', () => {
    const meta = {
      tracingCode: 'tc',
      height: 1,
      index: 0,
      blockTime: T + 5000,
      envelopeTime: T + 2000,
      seq: 1,
      siteKeyId: 'k',
      country: 156,
      city: { scheme: 1, code: 'CNSHA' },
      siteId: '00000000000000000000ffff0a000001',
      kpiCodes: [12201],
    };
    const ok: StoredPacket = {
      meta,
      storage: new Uint8Array(0),
      outcome: {
        ok: true,
        sitePublicKey: '',
        seal: 'ephemeral',
        record: {
          country: 156,
          city: meta.city,
          siteId: meta.siteId,
          time: T,
          entries: [
            { code: 12201, series: 0, value: 4, flags: 0 },
            { code: 13303, series: 0, value: 99, flags: 0 },
          ],
        },
      },
    };
    const bad: StoredPacket = {
      meta,
      storage: new Uint8Array(0),
      outcome: { ok: false, reason: PacketFailure.DecryptFailed, detail: '' },
    };
    const { rows, failed } = rowsFromPackets([ok, bad]);
    expect(
      rows.map((r) => [r.site, r.kpi, r.value, r.commitTime - r.time, r.commitTime - r.uploadTime]),
    ).toEqual([
      ['10.0.0.1', 12201, 4, 5000, 3000],
      ['10.0.0.1', 13303, 99, 5000, 3000],
    ]);
    expect(failed).toEqual({ '10.0.0.1': 1 });
  });
});
