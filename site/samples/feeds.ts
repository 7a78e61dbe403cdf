// The three sample feeds: what each site's source would deliver over the sample window, faults
// included. Distributions and why: docs/site.md §Sample data.
import type { SeededRandom } from './rng.js';
import { afternoonPeak, pollutantHours, round, rushHours } from './series.js';

/** Monday 2 March 2026, 00:00 UTC; two days of data, sealed in one-hour periods. */
export const SAMPLE_START = Date.UTC(2026, 2, 2);
export const SAMPLE_HOURS = 48;
export const SAMPLE_PERIOD_MS = 3_600_000;
export const H = 3_600_000;
export const AQ = 'EN: EN: AQ: 1C';
export const WATER = 'EN: EN: WS: 2C';
export const OUTAGES = 'EC: I: ES: 1C';
export const OUTAGE_TIME = 'EC: I: ES: 2C';

export type Row = { kpi: string; series?: string; value: number | string | null; unit: string; time: number };

/** Geneva air station: PM10, PM2.5 and NO2 every 15 minutes, with a few realistic faults. */
export function genevaAir(rng: SeededRandom): Row[] {
  const hours = SAMPLE_HOURS;
  const pm25 = pollutantHours(rng, hours, 9, 0.45, rushHours);
  const no2 = pollutantHours(rng, hours, 24, 0.35, rushHours);
  const rows: Row[] = [];
  for (let h = 0; h < hours; h++) {
    for (let q = 0; q < 4; q++) {
      const t = SAMPLE_START + h * H + q * 15 * 60_000;
      const jitter = (): number => Math.exp(0.08 * rng.normal());
      const fine = round(pm25[h]! * jitter(), 1);
      // PM2.5 is a fraction of PM10; the ratio in European cities is about 0.6-0.7.
      rows.push({
        kpi: AQ,
        series: 'PM10',
        value: round(fine / (0.62 + 0.06 * rng.next()), 1),
        unit: 'µg/m³',
        time: t,
      });
      rows.push({ kpi: AQ, series: 'PM2.5', value: fine, unit: 'µg/m³', time: t });
      rows.push({ kpi: AQ, series: 'NO2', value: round(no2[h]! * jitter(), 1), unit: 'µg/m³', time: t });
    }
  }
  // Faults a real feed has: a sensor reporting a negative value, a missing value, a reading
  // exported in mg/m³, and a row exported twice.
  rows[40] = { ...rows[40]!, value: -2.1 };
  rows[301] = { ...rows[301]!, value: -0.4 };
  rows[123] = { ...rows[123]!, value: 'n/a' };
  rows[77] = { ...rows[77]!, value: round(Number(rows[77]!.value) / 1000, 4), unit: 'mg/m³' };
  rows.splice(200, 0, rows[199]!);
  return rows;
}

/** Geneva utilities: hourly per-capita water use and the grid's outage events. */
export function genevaUtilities(rng: SeededRandom): Row[] {
  const rows: Row[] = [];
  const customers = 120_000;
  for (let h = 0; h < SAMPLE_HOURS; h++) {
    const t = SAMPLE_START + h * H;
    const hod = h % 24;
    // Per-capita demand, expressed as a daily rate: low at night, morning and evening peaks.
    const profile = 0.55 + 0.7 * Math.exp(-((hod - 7.5) ** 2) / 4) + 0.55 * Math.exp(-((hod - 20) ** 2) / 5);
    rows.push({
      kpi: WATER,
      value: round(165 * profile * (1 + 0.05 * rng.normal()), 1),
      unit: 'L/person/day',
      time: t,
    });
    // Outages: a Poisson number of events per hour (about 2 a day), each affecting a log-normal
    // number of customers for an exponential duration.
    for (let k = rng.poisson(2 / 24); k > 0; k--) {
      const at = t + Math.floor(rng.next() * H);
      const affected = Math.round(300 * Math.exp(rng.normal()));
      const hoursOut = rng.exponential(0.8);
      rows.push({ kpi: OUTAGES, value: round(affected / customers, 6), unit: '/customer/yr', time: at });
      rows.push({
        kpi: OUTAGE_TIME,
        value: round((affected * hoursOut) / customers, 6),
        unit: 'h/customer/yr',
        time: at,
      });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  // A meter that reports in m³ (converted to litres) and one that sends an error code.
  rows[10] = { ...rows[10]!, value: round(Number(rows[10]!.value) / 1000, 4), unit: 'm³/person/day' };
  rows[30] = { ...rows[30]!, value: 'ERR' };
  return rows;
}

/** Shanghai air station: hourly PM10, PM2.5, NO2, SO2 and O3 in the city's SQL database. */
export function shanghaiAir(rng: SeededRandom): Row[] {
  const pm25 = pollutantHours(rng, SAMPLE_HOURS, 32, 0.5, rushHours);
  const no2 = pollutantHours(rng, SAMPLE_HOURS, 38, 0.35, rushHours);
  const so2 = pollutantHours(rng, SAMPLE_HOURS, 7, 0.3, () => 1);
  const o3 = pollutantHours(rng, SAMPLE_HOURS, 55, 0.3, afternoonPeak);
  const rows: Row[] = [];
  for (let h = 0; h < SAMPLE_HOURS; h++) {
    const t = SAMPLE_START + h * H;
    rows.push({
      kpi: AQ,
      series: 'PM10',
      value: round(pm25[h]! / (0.55 + 0.1 * rng.next()), 1),
      unit: 'µg/m³',
      time: t,
    });
    rows.push({ kpi: AQ, series: 'PM2.5', value: pm25[h]!, unit: 'µg/m³', time: t });
    rows.push({ kpi: AQ, series: 'NO2', value: no2[h]!, unit: 'µg/m³', time: t });
    rows.push({ kpi: AQ, series: 'SO2', value: so2[h]!, unit: 'µg/m³', time: t });
    rows.push({ kpi: AQ, series: 'O3', value: o3[h]!, unit: 'µg/m³', time: t });
  }
  rows[57] = { ...rows[57]!, value: null }; // a station outage leaves a NULL
  return rows;
}
