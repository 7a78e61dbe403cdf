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
import type { SourceReading } from '../reading.js';
import { readingOrInvalid } from '../sources/source.js';
import {
  AQ,
  genevaAir,
  genevaUtilities,
  H,
  OUTAGE_TIME,
  OUTAGES,
  type Row,
  SAMPLE_HOURS,
  SAMPLE_PERIOD_MS,
  SAMPLE_START,
  shanghaiAir,
  WATER,
} from './feeds.js';
import { SeededRandom } from './rng.js';

const SEED = 20260302;
const iso = (t: number): string => new Date(t).toISOString();

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
  const valid: SourceReading[] = [];
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
