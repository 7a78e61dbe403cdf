// Check a decoded KpiEntry against the catalogue: what the platform runs after decrypting a record
// (Y.4907 "verify credibility and consistency"), since a site with a valid key can still send a
// value the catalogue does not allow. The codec already checked the bytes; this checks the meaning.

import type { KpiEntry } from '../codec/types.js';
import { findSeries, type KpiDefinition, type KpiSeries, kpiByWire } from './catalogue.js';
import { DropReason } from './drop-reasons.js';

export type EntryCheck =
  | { ok: true; def: KpiDefinition; series: KpiSeries }
  | { ok: false; reason: DropReason; detail: string };

/** Whether an entry names a catalogue KPI and series and holds a value in that series' range. */
export function checkEntry(entry: KpiEntry): EntryCheck {
  const def = kpiByWire(entry.code);
  if (!def) return { ok: false, reason: DropReason.UnknownKpi, detail: `code ${entry.code}` };
  const series = findSeries(def, entry.series);
  if (!series) return { ok: false, reason: DropReason.UnknownSeries, detail: `series ${entry.series}` };
  const { value } = entry;
  const { min, max, integer } = series.range;
  if (!Number.isFinite(value)) return { ok: false, reason: DropReason.NonFinite, detail: `value ${value}` };
  if (integer && !Number.isInteger(value))
    return { ok: false, reason: DropReason.NotInteger, detail: `${value}` };
  if (value < min || value > max) {
    return {
      ok: false,
      reason: DropReason.OutOfRange,
      detail: `${value} ${series.unit} outside [${min}, ${max}]`,
    };
  }
  return { ok: true, def, series };
}

/** "EN: EN: AQ: 1C Air pollution [PM2.5] = 12 µg/m³" for logs and traces; the code alone when unknown. */
export function describeEntry(entry: KpiEntry): string {
  const def = kpiByWire(entry.code);
  const series = def && findSeries(def, entry.series);
  if (!def || !series) return `KPI ${entry.code} series ${entry.series} = ${entry.value}`;
  const name = series.name ? ` [${series.name}]` : '';
  return `${def.code} ${def.name}${name} = ${entry.value} ${series.unit}`;
}
