// Parsing unit strings into comparable units, converting values between them, and the default
// valid range of a canonical unit. A unit is numerator/denominator/... over the token table in
// unit-tokens.ts; its quantity is the family of each part, and two units convert into each other
// only when their quantities are equal ("MWh/person/yr" -> "kWh/person/yr" yes, "kWh" -> "kWh/person/yr"
// no: a city total is not a per-person value, and guessing the population would invent data).

import { KpiError, KpiErrorCode } from './errors.js';
import { UNIT_TOKENS } from './unit-tokens.js';

export interface Unit {
  /** The unit string as the caller gave it, trimmed. */
  symbol: string;
  /** Families of the numerator and each denominator, e.g. "energy/population/duration". */
  quantity: string;
  /** Multiply a value in this unit by factor to get the quantity's base unit. */
  factor: number;
}

export interface ValueRange {
  min: number;
  max: number;
  /** Values must be whole numbers (counts, yes/no). */
  integer: boolean;
}

const MAX_UNIT_LENGTH = 64;
const CACHE_CAP = 512;
const cache = new Map<string, Unit | null>();

/** Spell-normalize one unit string: micro sign, "per", "% of X" qualifiers. */
function canonicalText(raw: string): string {
  const s = raw.trim().replace(/\u03bc/g, 'µ');
  // "% households", "% of GDP": the qualifier belongs to the KPI's definition, not to the unit.
  if (/^%(\s|$)/.test(s)) return '%';
  return s.replace(/^per\s+/i, '/').replace(/\s+per\s+/gi, '/');
}

function parseUncached(raw: string): Unit | null {
  const text = canonicalText(raw);
  // No unit stated is not "count": a missing unit is never guessed (the empty numerator of "/100k" is).
  if (text === '') return null;
  const whole = UNIT_TOKENS.get(text.replace(/\s+/g, '').toLowerCase());
  // Frozen: parsed units are cached and shared by every caller and catalogue entry.
  if (whole?.family === 'boolean')
    return Object.freeze({ symbol: raw.trim(), quantity: 'boolean', factor: 1 });
  const parts = text.split('/').map((p) => p.replace(/\s+/g, '').toLowerCase());
  const families: string[] = [];
  let factor = 1;
  for (const [i, part] of parts.entries()) {
    const token = UNIT_TOKENS.get(part);
    // An empty denominator ("kWh/") or a boolean inside a compound is not a unit.
    if (!token || token.family === 'boolean' || (i > 0 && part === '')) return null;
    families.push(token.family);
    factor = i === 0 ? token.factor : factor / token.factor;
  }
  const [numerator, ...denominators] = families;
  const quantity = [numerator, ...denominators.sort()].join('/');
  return Object.freeze({ symbol: raw.trim(), quantity, factor });
}

/** Parse a unit string; undefined when a token is unknown. Results are cached (bounded). */
export function parseUnit(raw: string): Unit | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_UNIT_LENGTH) return undefined;
  let unit = cache.get(raw);
  if (unit === undefined) {
    unit = parseUncached(raw);
    if (cache.size < CACHE_CAP) cache.set(raw, unit);
  }
  return unit ?? undefined;
}

/** Like parseUnit, but a KpiError for an unknown unit (API misuse, e.g. a bad catalogue entry). */
export function requireUnit(raw: string): Unit {
  const unit = parseUnit(raw);
  if (!unit) throw new KpiError(KpiErrorCode.UnknownUnit, `unknown unit "${raw}"`, { unit: String(raw) });
  return unit;
}

/**
 * The multiplier from `from` to `to`, or undefined when their quantities differ. Factors that are
 * within rounding of a whole number (or of its reciprocal) are snapped to it, so that mg -> µg is
 * exactly 1000 and a value converted there and back is unchanged.
 */
export function conversionFactor(from: Unit, to: Unit): number | undefined {
  if (from.quantity !== to.quantity) return undefined;
  return snap(from.factor / to.factor);
}

function snap(ratio: number): number {
  const whole = Math.round(ratio);
  if (whole !== 0 && Math.abs(ratio - whole) <= 1e-9 * ratio) return whole;
  const inverse = Math.round(1 / ratio);
  if (inverse !== 0 && Math.abs(1 / ratio - inverse) <= 1e-9 / ratio) return 1 / inverse;
  return ratio;
}

/** Convert a value between two unit strings; KpiError when either is unknown or they differ in kind. */
export function convert(value: number, from: string, to: string): number {
  const f = conversionFactor(requireUnit(from), requireUnit(to));
  if (f === undefined) {
    throw new KpiError(KpiErrorCode.IncompatibleUnit, `cannot convert ${from} to ${to}`, { from, to });
  }
  return value * f;
}

/** Default valid range of a canonical unit: percent 0-100, fraction 0-1, yes/no 0|1, counts whole, else >= 0. */
export function unitRange(unit: Unit): ValueRange {
  const text = unit.symbol;
  if (unit.quantity === 'boolean') return { min: 0, max: 1, integer: true };
  if (text === '%') return { min: 0, max: 100, integer: false };
  if (text === 'fraction') return { min: 0, max: 1, integer: false };
  if (unit.quantity === 'count') return { min: 0, max: Number.POSITIVE_INFINITY, integer: true };
  return { min: 0, max: Number.POSITIVE_INFINITY, integer: false };
}
