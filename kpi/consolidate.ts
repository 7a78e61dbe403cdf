// The per-period half of Y.4907 8.1 "Computing": group validated readings by KPI and series, drop
// duplicates and conflicts, and reduce each group by the KPI's consolidation kind.
//
// The result does not depend on the order of the input: groups are reduced over values sorted
// ascending (floating-point addition is not associative, so summing in input order would let two
// sites with the same readings produce different bytes), "last" breaks time ties by source then
// value, and conflicting duplicates drop every copy rather than keeping whichever came first.

import { type KpiEntry, KpiQuality } from '../codec/types.js';
import { type Drop, DropReason } from './drop-reasons.js';
import type { NormalizedReading } from './reading.js';

export interface IndexedReading {
  /** Position of the reading in the caller's input, echoed in drops. */
  index: number;
  reading: NormalizedReading;
}

export interface Consolidation {
  /** One entry per (code, series), ascending by code then series. */
  entries: KpiEntry[];
  drops: Drop[];
}

/** Sum with Neumaier compensation over ascending values: accurate, and the same for any input order. */
function stableSum(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  let compensation = 0;
  for (const v of sorted) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Keep one reading per (source, time); identical copies are DUPLICATE, differing ones all CONFLICTING. */
function dedupe(group: IndexedReading[], drops: Drop[]): IndexedReading[] {
  // Copies are rare: index the first reading of each (source, time) and build a list only on a clash,
  // so the common case allocates one map entry per reading and nothing else.
  const first = new Map<string, IndexedReading>();
  const clashes = new Map<string, IndexedReading[]>();
  for (const item of group) {
    const key = `${item.reading.source}\u0000${item.reading.time}`;
    const seen = first.get(key);
    const list = clashes.get(key);
    if (!seen) first.set(key, item);
    else if (list) list.push(item);
    else clashes.set(key, [seen, item]);
  }
  const kept: IndexedReading[] = [];
  for (const [key, item] of first) {
    const copies = clashes.get(key);
    if (!copies) kept.push(item);
    else if (copies.every((c) => c.reading.value === item.reading.value)) kept.push(keepOne(copies, drops));
    else {
      for (const c of copies) {
        drops.push({
          index: c.index,
          reason: DropReason.Conflicting,
          detail: 'same source and time, other value',
        });
      }
    }
  }
  return kept;
}

/** Of identical copies keep the first in input order, carrying every copy's flags; drop the rest. */
function keepOne(copies: IndexedReading[], drops: Drop[]): IndexedReading {
  const keeper = copies.reduce((a, b) => (b.index < a.index ? b : a));
  for (const c of copies) {
    if (c !== keeper)
      drops.push({ index: c.index, reason: DropReason.Duplicate, detail: 'same source and time' });
  }
  const flags = copies.reduce((f, c) => f | c.reading.flags, 0);
  return { index: keeper.index, reading: { ...keeper.reading, flags } };
}

/** Later time wins; equal times (different sources) fall back to source, then value, so order never matters. */
function isLater(a: NormalizedReading, b: NormalizedReading): boolean {
  if (a.time !== b.time) return a.time > b.time;
  if (a.source !== b.source) return a.source > b.source;
  return a.value > b.value;
}

/** The value and the flags of the readings it came from. */
function reduce(group: NormalizedReading[]): { value: number; flags: number } {
  const kind = group[0]!.def.consolidation;
  const allFlags = group.reduce((f, r) => f | r.flags, 0);
  const values = group.map((r) => r.value);
  // reduce, not Math.max(...values): spreading a million arguments overflows the stack.
  const lo = values.reduce((a, b) => Math.min(a, b));
  const hi = values.reduce((a, b) => Math.max(a, b));
  if (kind === 'sum') return { value: stableSum(values), flags: allFlags };
  if (kind === 'mean') {
    // Rounding may move a mean of in-range values one ulp past the extremes; clamp it back.
    const mean = stableSum(values) / values.length;
    return { value: Math.min(Math.max(mean, lo), hi), flags: allFlags };
  }
  if (kind === 'max') {
    return { value: hi, flags: group.filter((r) => r.value === hi).reduce((f, r) => f | r.flags, 0) };
  }
  const last = group.reduce((a, b) => (isLater(b, a) ? b : a));
  return { value: last.value, flags: last.flags };
}

/** Consolidate validated readings into KpiEntry values, one per (code, series). */
export function consolidate(items: readonly IndexedReading[]): Consolidation {
  const drops: Drop[] = [];
  const entries: KpiEntry[] = [];
  // A number key (series < 256 on the wire) is cheaper than building a string per reading.
  const groups = groupBy(items, (i) => i.reading.def.wire * 256 + i.reading.series.index);
  for (const group of groups.values()) {
    const kept = dedupe(group, drops);
    if (kept.length === 0) continue;
    const { def, series } = kept[0]!.reading;
    const { value, flags } = reduce(kept.map((k) => k.reading));
    const { min, max, integer } = series.range;
    if (value < min || value > max || (integer && !Number.isInteger(value)) || !Number.isFinite(value)) {
      const detail = `consolidated ${def.consolidation} ${value} outside [${min}, ${max}]`;
      for (const k of kept) drops.push({ index: k.index, reason: DropReason.ConsolidatedOutOfRange, detail });
      continue;
    }
    const consolidated = kept.length > 1 ? KpiQuality.Consolidated : 0;
    entries.push({ code: def.wire, series: series.index, value, flags: flags | consolidated });
  }
  entries.sort((a, b) => a.code - b.code || a.series - b.series);
  return { entries, drops };
}

/** Distinct wire codes of some entries, ascending: the Routing.kpiCodes of an upload. */
export function distinctCodes(entries: readonly KpiEntry[]): number[] {
  return [...new Set(entries.map((e) => e.code))].sort((a, b) => a - b);
}
