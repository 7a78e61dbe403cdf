// The site's Normalizer backed by kpi/'s rules: catalogue lookup, unit conversion, range filter
// and per-period consolidation. Sources hand over text (a CSV cell "1" is a wire code or a series
// index); numeric strings are turned into numbers here, since kpi/ reads a number as a code.

import type { RawReading } from '../kpi/index.js';
import { normalize } from '../kpi/index.js';
import type { NormalizeDrop, Normalizer } from './parts.js';
import type { SourceReading } from './reading.js';

const digits = /^\d+$/;

function toKpiReading(r: SourceReading): RawReading {
  return {
    kpi: digits.test(r.kpi) ? Number(r.kpi) : r.kpi,
    ...(r.series === '' ? {} : { series: digits.test(r.series) ? Number(r.series) : r.series }),
    value: r.value,
    unit: r.unit,
    time: r.time,
    source: r.source,
    flags: r.flags,
  };
}

/**
 * `allowedCodes`: the catalogue codes this site is registered for (others are dropped NOT_ALLOWED);
 * a function because the registration is read from the chain after the site starts.
 */
export function kpiNormalizer(allowed: () => ReadonlySet<number> | undefined = () => undefined): Normalizer {
  return {
    normalize(readings, period) {
      const allowedCodes = allowed();
      const res = normalize(readings.map(toKpiReading), {
        period,
        ...(allowedCodes ? { allowedCodes } : {}),
      });
      const drops: NormalizeDrop[] = res.drops.map((d) => ({
        reading: readings[d.index]!,
        reason: d.reason,
        detail: d.detail,
      }));
      return { entries: res.entries, drops };
    },
  };
}
