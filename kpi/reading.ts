// One raw reading -> one validated reading in the catalogue's canonical unit, or a drop reason.
// This is the per-row half of Y.4907 8.1 "Computing": map to a catalogue entry, convert the unit,
// filter the range. consolidate.ts does the per-period half.

import { KpiQuality } from '../codec/types.js';
import { findKpi, findSeries, type KpiDefinition, type KpiSeries } from './catalogue.js';
import { DropReason } from './drop-reasons.js';
import { conversionFactor, parseUnit } from './units.js';

export interface RawReading {
  /** Catalogue wire code, code string ("EN: EN: AQ: 1C") or KPI name. */
  kpi: number | string;
  /** Series index or name ("PM2.5"); omitted for KPIs without series. */
  series?: number | string;
  value: number;
  /** Unit of `value` as the source states it ("mg/m³", "MWh/person/yr"). Required: never guessed. */
  unit: string;
  /** Time the value refers to, UTC ms. */
  time: number;
  /** Which feed, sensor or table row produced it (duplicate detection is per source). */
  source: string;
  /** KpiQuality bits the source asserts (Estimated, Provisional); others are computed here. */
  flags?: KpiQuality | number;
}

/** Half-open [start, end) in UTC ms. */
export interface Period {
  start: number;
  end: number;
}

export interface ReadingRules {
  period?: Period;
  /** When set, KPIs outside this set of wire codes are dropped as NOT_ALLOWED. */
  allowedCodes?: ReadonlySet<number>;
}

export interface NormalizedReading {
  def: KpiDefinition;
  series: KpiSeries;
  /** In the series' canonical unit. */
  value: number;
  time: number;
  source: string;
  /** Source flags, plus Converted when the unit was converted. */
  flags: number;
  /** Whether the value was converted from another unit. */
  converted: boolean;
}

export type ReadingResult =
  | { ok: true; reading: NormalizedReading }
  | { ok: false; reason: DropReason; detail: string };

const MAX_TEXT = 256;

const drop = (reason: DropReason, detail: string): ReadingResult => ({ ok: false, reason, detail });

function malformed(r: RawReading): string | undefined {
  if (typeof r !== 'object' || r === null) return 'reading is not an object';
  if (typeof r.kpi !== 'number' && (typeof r.kpi !== 'string' || r.kpi.length > MAX_TEXT)) return 'kpi';
  if (r.series !== undefined && typeof r.series !== 'number' && typeof r.series !== 'string') return 'series';
  if (typeof r.value !== 'number') return 'value';
  if (typeof r.unit !== 'string' || r.unit.length > MAX_TEXT) return 'unit';
  if (typeof r.source !== 'string' || r.source.length > MAX_TEXT) return 'source';
  if (typeof r.time !== 'number') return 'time';
  const f = r.flags;
  if (f !== undefined && (!Number.isInteger(f) || f < 0 || f > 255)) return 'flags';
  return undefined;
}

/** Validate and convert one reading. Never throws for bad data: every failure is a DropReason. */
export function normalizeReading(r: RawReading, rules: ReadingRules = {}): ReadingResult {
  const bad = malformed(r);
  if (bad) return drop(DropReason.Malformed, `bad field: ${bad}`);
  const def = findKpi(r.kpi);
  if (!def) return drop(DropReason.UnknownKpi, `unknown KPI ${String(r.kpi)}`);
  if (rules.allowedCodes && !rules.allowedCodes.has(def.wire)) {
    return drop(DropReason.NotAllowed, `KPI ${def.wire} not allowed for this site`);
  }
  const series = findSeries(def, r.series);
  if (!series) return drop(DropReason.UnknownSeries, `series ${String(r.series)} not in KPI ${def.wire}`);
  if (!Number.isSafeInteger(r.time) || r.time < 0) return drop(DropReason.BadTime, `time ${r.time}`);
  const p = rules.period;
  if (p && (r.time < p.start || r.time >= p.end)) {
    return drop(DropReason.OutOfPeriod, `time ${r.time} outside [${p.start}, ${p.end})`);
  }
  if (!Number.isFinite(r.value)) return drop(DropReason.NonFinite, `value ${r.value}`);
  const unit = parseUnit(r.unit);
  if (!unit) return drop(DropReason.UnknownUnit, `unit "${r.unit}"`);
  const factor = conversionFactor(unit, series.parsedUnit);
  if (factor === undefined)
    return drop(DropReason.IncompatibleUnit, `unit "${r.unit}" is not ${series.unit}`);
  // `|| 0` folds -0 into 0 (NaN is excluded above): otherwise "last" of a 0 and a -0 depends on order.
  const value = r.value * factor || 0;
  if (!Number.isFinite(value)) return drop(DropReason.NonFinite, `value ${r.value} ${r.unit} overflows`);
  const range = series.range;
  if (range.integer && !Number.isInteger(value)) return drop(DropReason.NotInteger, `value ${value}`);
  if (value < range.min || value > range.max) {
    return drop(DropReason.OutOfRange, `value ${value} ${series.unit} outside [${range.min}, ${range.max}]`);
  }
  const converted = factor !== 1;
  const flags = (r.flags ?? 0) | (converted ? KpiQuality.Converted : 0);
  return { ok: true, reading: { def, series, value, time: r.time, source: r.source, flags, converted } };
}
