// The whole of Y.4907 8.1 "Computing" for one period: raw readings in, consolidated KpiEntry
// values and the list of drops out. Bad rows are drops; only misuse of the API (an inverted period,
// too many readings for one call) is a KpiError.

import type { KpiEntry } from '../codec/types.js';
import { consolidate, type IndexedReading } from './consolidate.js';
import type { Drop } from './drop-reasons.js';
import { KpiError, KpiErrorCode } from './errors.js';
import { normalizeReading, type RawReading, type ReadingRules } from './reading.js';

export interface NormalizeOptions extends ReadingRules {
  /** Cap on readings per call, checked before any work (default 1,000,000). */
  maxReadings?: number;
}

export interface NormalizeResult {
  /** Consolidated values, ascending by code then series. */
  entries: KpiEntry[];
  /** Every reading that did not count, ascending by input index. */
  drops: Drop[];
  /** Readings that contributed to an entry. */
  accepted: number;
}

export const DEFAULT_MAX_READINGS = 1_000_000;

function checkOptions(readings: readonly RawReading[], opts: NormalizeOptions): void {
  const cap = opts.maxReadings ?? DEFAULT_MAX_READINGS;
  if (!Array.isArray(readings)) throw new KpiError(KpiErrorCode.InvalidArgument, 'readings must be an array');
  if (readings.length > cap) {
    throw new KpiError(KpiErrorCode.InvalidArgument, 'too many readings', { count: readings.length, cap });
  }
  const p = opts.period;
  if (
    p &&
    !(Number.isSafeInteger(p.start) && Number.isSafeInteger(p.end) && p.start >= 0 && p.start < p.end)
  ) {
    throw new KpiError(KpiErrorCode.InvalidArgument, 'period must be [start, end) with 0 <= start < end', {
      start: String(p.start),
      end: String(p.end),
    });
  }
}

/** Normalize and consolidate the readings of one period. */
export function normalize(readings: readonly RawReading[], opts: NormalizeOptions = {}): NormalizeResult {
  checkOptions(readings, opts);
  const valid: IndexedReading[] = [];
  const drops: Drop[] = [];
  readings.forEach((raw, index) => {
    const result = normalizeReading(raw, opts);
    if (result.ok) valid.push({ index, reading: result.reading });
    else drops.push({ index, reason: result.reason, detail: result.detail });
  });
  const { entries, drops: groupDrops } = consolidate(valid);
  drops.push(...groupDrops);
  drops.sort((a, b) => a.index - b.index);
  return { entries, drops, accepted: readings.length - drops.length };
}
