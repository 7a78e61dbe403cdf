// The distributions behind the sample data (why each is chosen: docs/site.md §Sample data).
import type { SeededRandom } from './rng.js';

/**
 * Hourly pollutant concentration: log-normal around a median, modulated by a daily profile, with
 * AR(1) noise in log space so that a polluted hour tends to be followed by another.
 */
export function pollutantHours(
  rng: SeededRandom,
  hours: number,
  median: number,
  sigma: number,
  profile: (hourOfDay: number) => number,
): number[] {
  const phi = 0.8;
  let z = 0;
  const out: number[] = [];
  for (let h = 0; h < hours; h++) {
    z = phi * z + Math.sqrt(1 - phi * phi) * rng.normal();
    out.push(round(median * profile(h % 24) * Math.exp(sigma * z), 1));
  }
  return out;
}

/** Traffic profile: morning and evening rush-hour peaks (NO2, PM). Mean about 1 over a day. */
export function rushHours(h: number): number {
  const bump = (c: number, w: number): number => Math.exp(-((h - c) ** 2) / (2 * w * w));
  return 0.7 + 0.6 * bump(8, 1.5) + 0.5 * bump(18.5, 2);
}

/** Ozone profile: photochemical peak in mid-afternoon, low at night. */
export function afternoonPeak(h: number): number {
  return 0.45 + 1.1 * Math.exp(-((h - 15) ** 2) / (2 * 3 * 3));
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
