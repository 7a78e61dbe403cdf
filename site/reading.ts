// The raw reading every source produces, before normalization, and the one validator that turns
// untrusted input (an HTTP body, a JSON line, a CSV row, an SQL row) into it. Values are not
// checked against the catalogue here: that is normalization's job, which counts each drop.
import { z } from 'zod';
import { SiteError, SiteErrorCode } from './errors.js';

/** What a source reads, as text (kpi/'s RawReading is the typed input of normalization). */
export interface SourceReading {
  /** KPI as the source names it: a catalogue code string ("EN: EN: AQ: 1C"), a compact code or a name. */
  kpi: string;
  /** Series name or index as the source gives it ("PM10", "1"); empty when the KPI has none. */
  series: string;
  value: number;
  /** Unit as the source writes it ("mg/m3", "µg/m³", "kWh"). */
  unit: string;
  /** Collection time, UTC ms. */
  time: number;
  /** Name of the configured source that produced it. */
  source: string;
  /** Unique within the source (a file offset, a row key, a client ID): re-reads after a crash dedupe on it. */
  id: string;
  /** KpiQuality bits the source asserts (1 Estimated, 8 Provisional); 0 when none. */
  flags: number;
}

const maxText = 128;
const text = z.string().min(1).max(maxText);

/** Time as UTC ms (number or digits) or ISO 8601 with an explicit zone (a zoneless time is ambiguous). */
const timeInput = z.union([
  z.number().int().nonnegative().max(8.64e15),
  z
    .string()
    .max(40)
    .regex(/^\d{1,16}$|(Z|[+-]\d\d:?\d\d)$/, 'time must be UTC ms or ISO 8601 ending with Z or an offset'),
]);

/**
 * The shape accepted from outside (HTTP push, JSON Lines, CSV and SQL rows after column mapping).
 * Other fields (a station name, a comment) are ignored: feeds carry their own metadata.
 */
export const readingInputSchema = z.object({
  kpi: z.union([text, z.number().int().positive()]),
  series: z.union([z.string().max(maxText), z.number().int().nonnegative()]).optional(),
  value: z.union([z.number(), z.string().max(64)]),
  unit: z.string().max(maxText).default(''),
  time: timeInput,
  id: text.optional(),
  /** KpiQuality bits the source asserts: Estimated (1) or Provisional (8). */
  flags: z.union([z.number().int(), z.string().regex(/^\d{1,3}$/)]).optional(),
});

export type ReadingInput = z.input<typeof readingInputSchema>;

/** Parses a time that passed `timeInput`; NaN when the string is not a real date. */
function parseTime(t: number | string): number {
  if (typeof t === 'number') return t;
  return /^\d+$/.test(t) ? Number(t) : Date.parse(t);
}

/**
 * Validates one untrusted object into a SourceReading; throws SiteError(BadReading) naming the field.
 * `fallbackId` is used when the input carries no id of its own (a file offset, a row number).
 */
export function toReading(input: unknown, source: string, fallbackId: string): SourceReading {
  const parsed = readingInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new SiteError(SiteErrorCode.BadReading, z.prettifyError(parsed.error).replace(/\n/g, '; '), {
      source,
      id: fallbackId,
    });
  }
  const r = parsed.data;
  const value = typeof r.value === 'number' ? r.value : Number(r.value.trim());
  const time = parseTime(r.time);
  if (!Number.isFinite(value) || (typeof r.value === 'string' && r.value.trim() === '')) {
    throw new SiteError(SiteErrorCode.BadReading, 'value is not a finite number', { source, id: fallbackId });
  }
  if (!Number.isFinite(time)) {
    throw new SiteError(SiteErrorCode.BadReading, 'time is not a valid date', { source, id: fallbackId });
  }
  const flags = Number(r.flags ?? 0);
  if ((flags & ~9) !== 0) {
    throw new SiteError(SiteErrorCode.BadReading, 'flags may only assert Estimated (1) or Provisional (8)', {
      source,
      id: fallbackId,
    });
  }
  return {
    kpi: String(r.kpi),
    series: r.series === undefined ? '' : String(r.series),
    value,
    unit: r.unit,
    time,
    source,
    id: r.id ?? fallbackId,
    flags,
  };
}
