// Generates the shipped sample data of three sampling sites in two cities (the demo's input),
// from a fixed seed so `node build/site/samples/generate.js` rewrites the same bytes. Why these
// distributions: docs/site.md §Sample data. It also runs kpi/'s normalization over the result
// per hourly period and writes the expected outcome (records, drops by reason) into sites.json,
// so the demo and the end-to-end tests can check that every reading is accounted for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { findKpi } from '../../kpi/index.js';
import { kpiNormalizer } from '../kpi-normalizer.js';
import type { RawReading } from '../reading.js';
import { readingOrInvalid } from '../sources/source.js';
import { SeededRandom } from './rng.js';
import { afternoonPeak, pollutantHours, round, rushHours } from './series.js';

const SEED = 20260302;
/** Monday 2 March 2026, 00:00 UTC; two days of data, sealed in one-hour periods. */
export const SAMPLE_START = Date.UTC(2026, 2, 2);
export const SAMPLE_HOURS = 48;
export const SAMPLE_PERIOD_MS = 3_600_000;
const H = 3_600_000;
const AQ = 'EN: EN: AQ: 1C';
const WATER = 'EN: EN: WS: 2C';
const OUTAGES = 'EC: I: ES: 1C';
const OUTAGE_TIME = 'EC: I: ES: 2C';

type Row = { kpi: string; series?: string; value: number | string | null; unit: string; time: number };

const iso = (t: number): string => new Date(t).toISOString();

/** Geneva air station: PM10, PM2.5 and NO2 every 15 minutes, with a few realistic faults. */
function genevaAir(rng: SeededRandom): Row[] {
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
function genevaUtilities(rng: SeededRandom): Row[] {
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
function shanghaiAir(rng: SeededRandom): Row[] {
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

function toCsv(rows: Row[]): string {
  const lines = [
    'time,kpi,series,value,unit',
    ...rows.map((r) => [iso(r.time), r.kpi, r.series ?? '', r.value ?? '', r.unit].join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

function toJsonl(rows: Row[]): string {
  const lines = rows.map((r) => JSON.stringify({ ...r, time: iso(r.time) }));
  // A line cut short, as a feed interrupted mid-write leaves it.
  lines.splice(20, 0, '{"kpi": "EN: EN: WS: 2C", "value": 150,');
  return `${lines.join('\n')}\n`;
}

async function toSqlite(rows: Row[]): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(
    'CREATE TABLE readings (id INTEGER PRIMARY KEY, station TEXT NOT NULL, pollutant TEXT, value REAL, unit TEXT, observed_at INTEGER NOT NULL)',
  );
  for (const r of rows)
    db.run('INSERT INTO readings (station, pollutant, value, unit, observed_at) VALUES (?, ?, ?, ?, ?)', [
      'SH-Jingan',
      r.series ?? null,
      r.value,
      r.unit,
      r.time,
    ]);
  const bytes = db.export();
  db.close();
  return bytes;
}

export const SHANGHAI_QUERY =
  "SELECT id AS cursor, 'EN: EN: AQ: 1C' AS kpi, pollutant AS series, value, unit, observed_at AS time FROM readings WHERE id > :cursor ORDER BY id";

/** What a site does with its data: expected records and drops when sealed in one-hour periods. */
function expected(
  name: string,
  rows: Row[],
): { readings: number; records: number; drops: Record<string, number> } {
  const drops: Record<string, number> = {};
  const valid: RawReading[] = [];
  rows.forEach((r, i) => {
    const input = {
      kpi: r.kpi,
      ...(r.series ? { series: r.series } : {}),
      value: r.value,
      unit: r.unit,
      time: r.time,
    };
    const got = readingOrInvalid(r.value === null ? { ...input, value: undefined } : input, name, String(i));
    if ('reason' in got) drops.INVALID_INPUT = (drops.INVALID_INPUT ?? 0) + 1;
    else valid.push(got);
  });
  let records = 0;
  const normalizer = kpiNormalizer();
  for (let h = 0; h < SAMPLE_HOURS; h++) {
    const start = SAMPLE_START + h * H;
    const res = normalizer.normalize(
      valid.filter((r) => r.time >= start && r.time < start + H),
      { start, end: start + H },
    );
    for (const d of res.drops) drops[d.reason] = (drops[d.reason] ?? 0) + 1;
    if (res.entries.length > 0) records++;
  }
  return { readings: rows.length, records, drops };
}

const wire = (code: string): number => findKpi(code)!.wire;

async function main(): Promise<void> {
  const rng = new SeededRandom(SEED);
  const dir = join(process.cwd(), 'site', 'samples', 'data');
  mkdirSync(dir, { recursive: true });
  const air = genevaAir(rng);
  const util = genevaUtilities(rng);
  const sh = shanghaiAir(rng);
  writeFileSync(join(dir, 'geneva-air.csv'), toCsv(air));
  writeFileSync(join(dir, 'geneva-utilities.jsonl'), toJsonl(util));
  writeFileSync(join(dir, 'shanghai-air.sqlite'), await toSqlite(sh));
  const utilExpected = expected('geneva-utilities', util);
  // The JSON Lines file has one more line, cut short (see toJsonl).
  utilExpected.readings++;
  utilExpected.drops.INVALID_INPUT = (utilExpected.drops.INVALID_INPUT ?? 0) + 1;
  const manifest = {
    generatedBy: 'node build/site/samples/generate.js (seed 20260302)',
    start: iso(SAMPLE_START),
    hours: SAMPLE_HOURS,
    periodMs: SAMPLE_PERIOD_MS,
    sites: [
      {
        name: 'geneva-air',
        identity: { country: 756, city: 'locode:CHGVA', siteId: '2001:db8:756::a' },
        kpiCodes: [wire(AQ)],
        source: { type: 'csv', name: 'station-csv', path: 'data/geneva-air.csv' },
        expected: expected('geneva-air', air),
      },
      {
        name: 'geneva-utilities',
        identity: { country: 756, city: 'locode:CHGVA', siteId: '2001:db8:756::b' },
        kpiCodes: [wire(OUTAGES), wire(OUTAGE_TIME), wire(WATER)].sort((a, b) => a - b),
        source: { type: 'jsonl', name: 'scada-jsonl', path: 'data/geneva-utilities.jsonl' },
        expected: utilExpected,
      },
      {
        name: 'shanghai-air',
        identity: { country: 156, city: 'locode:CNSHA', siteId: '203.0.113.7' },
        kpiCodes: [wire(AQ)],
        source: { type: 'sql', name: 'city-db', path: 'data/shanghai-air.sqlite', query: SHANGHAI_QUERY },
        expected: expected('shanghai-air', sh),
      },
    ],
  };
  writeFileSync(
    join(process.cwd(), 'site', 'samples', 'sites.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  process.stdout.write(
    `${JSON.stringify(
      manifest.sites.map((s) => ({ name: s.name, ...s.expected })),
      null,
      1,
    )}\n`,
  );
}

await main();
