import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { CsvSource, splitCsvLine } from '../../../site/sources/csv.js';
import { HttpPushSource } from '../../../site/sources/http-push.js';
import { JsonLinesSource } from '../../../site/sources/jsonl.js';
import type { ReadingBatch, Source } from '../../../site/sources/source.js';
import { SqlSource } from '../../../site/sources/sql.js';
import { tempDir } from './helpers.js';

const lineOpts = { follow: false, pollMs: 10, batchLines: 100, maxLineBytes: 200 };

async function drain(src: Source): Promise<ReadingBatch[]> {
  const out: ReadingBatch[] = [];
  for await (const b of src.batches(new AbortController().signal)) out.push(b);
  return out;
}

const flat = (bs: ReadingBatch[]) => ({
  readings: bs.flatMap((b) => b.readings),
  invalid: bs.flatMap((b) => b.invalid),
  cursor: bs.at(-1)?.cursor,
});

describe('CsvSource', () => {
  const csv = [
    'when;indicator;pollutant;reading;unit',
    '2026-01-01T00:00:00Z;EN: EN: AQ: 1C;PM10;41.5;µg/m³',
    '2026-01-01T01:00:00Z;"Air; pollution";"PM2.5";12;µg/m³',
    '2026-01-01T02:00:00Z;EN: EN: AQ: 1C;NO2;not-a-number;µg/m³',
    '2026-01-01T03:00:00;EN: EN: AQ: 1C;NO2;3;µg/m³',
    '',
  ].join('\n');
  const columns = { time: 'when', kpi: 'indicator', series: 'pollutant', value: 'reading' };

  it('maps renamed columns, honours quotes, and reports bad rows with a reason', async () => {
    const path = join(tempDir(), 'a.csv');
    writeFileSync(path, csv);
    const src = new CsvSource({ name: 'csv', path, ...lineOpts, delimiter: ';', columns, constants: {} });
    const { readings, invalid, cursor } = flat(await drain(src));
    expect(readings).toHaveLength(2);
    expect(readings[0]).toMatchObject({
      kpi: 'EN: EN: AQ: 1C',
      series: 'PM10',
      value: 41.5,
      time: Date.UTC(2026, 0, 1),
    });
    expect(readings[1]).toMatchObject({ kpi: 'Air; pollution', series: 'PM2.5', value: 12 });
    expect(invalid.map((i) => i.reason)).toEqual([
      expect.stringContaining('finite number'),
      expect.stringContaining('Z or an offset'),
    ]);
    expect(Number(cursor)).toBe(Buffer.byteLength(csv));
    expect(src.caughtUp()).toBe(true);
  });

  it('resumes after the cursor without re-reading, and takes constants for missing columns', async () => {
    const path = join(tempDir(), 'b.csv');
    writeFileSync(path, 'time,value\n1767225600000,5\n1767229200000,6\n');
    const first = new CsvSource({
      name: 'c',
      path,
      ...lineOpts,
      batchLines: 1,
      delimiter: ',',
      columns: {},
      constants: { kpi: 'EN: EN: WS: 2C', unit: 'L/person/day' },
    });
    const batches = await drain(first);
    expect(batches).toHaveLength(2);
    const resumed = new CsvSource({
      name: 'c',
      path,
      ...lineOpts,
      startCursor: batches[0]!.cursor,
      delimiter: ',',
      columns: {},
      constants: { kpi: 'EN: EN: WS: 2C', unit: 'L/person/day' },
    });
    const { readings } = flat(await drain(resumed));
    expect(readings.map((r) => [r.value, r.kpi, r.unit])).toEqual([[6, 'EN: EN: WS: 2C', 'L/person/day']]);
    expect(readings[0]!.id).toBe(batches[1]!.readings[0]!.id);
  });

  it('fails clearly when a required column is missing', async () => {
    const path = join(tempDir(), 'c.csv');
    writeFileSync(path, 'time,kpi\n1,2\n');
    const src = new CsvSource({ name: 'c', path, ...lineOpts, delimiter: ',', columns: {}, constants: {} });
    await expect(drain(src)).rejects.toThrow('no column for "value"');
  });

  it('splits quoted fields with escaped quotes', () => {
    expect(splitCsvLine('a,"b,""c""",d', ',')).toEqual(['a', 'b,"c"', 'd']);
  });
});

describe('JsonLinesSource', () => {
  it('reads objects, rejects bad JSON and over-long lines, then follows appended lines', async () => {
    const path = join(tempDir(), 'r.jsonl');
    const line = (v: number) =>
      `${JSON.stringify({ kpi: 21101, series: 0, value: v, unit: 'µg/m³', time: 1767225600000 + v })}\n`;
    writeFileSync(path, `${line(1)}{oops\n${'x'.repeat(300)}\n${line(2)}`);
    const src = new JsonLinesSource({ name: 'j', path, ...lineOpts, follow: true });
    const ac = new AbortController();
    const it = src.batches(ac.signal)[Symbol.asyncIterator]();
    const b1 = (await it.next()).value as ReadingBatch;
    expect(b1.readings.map((r) => r.value)).toEqual([1, 2]);
    expect(b1.invalid.map((i) => i.reason)).toEqual(['line is not valid JSON', 'line longer than 200 bytes']);
    const next = it.next();
    appendFileSync(path, line(3).slice(0, 10));
    appendFileSync(path, line(3).slice(10));
    const b2 = (await next).value as ReadingBatch;
    expect(b2.readings.map((r) => r.value)).toEqual([3]);
    expect(src.caughtUp()).toBe(false);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('passes the quality flags a source asserts, refusing bits it may not set', async () => {
    const path = join(tempDir(), 'flags.jsonl');
    const base = { kpi: 'EN: EN: WS: 2C', value: 150, unit: 'L/person/day', time: 5 };
    writeFileSync(
      path,
      `${JSON.stringify({ ...base, flags: 8, station: 'ignored' })}\n${JSON.stringify({ ...base, flags: 2 })}\n`,
    );
    const { readings, invalid } = flat(await drain(new JsonLinesSource({ name: 'j', path, ...lineOpts })));
    expect(readings.map((r) => r.flags)).toEqual([8]);
    expect(invalid[0]!.reason).toContain('Estimated (1) or Provisional (8)');
  });

  it('skips an unterminated line longer than the cap, counting it once', async () => {
    const path = join(tempDir(), 'long.jsonl');
    writeFileSync(path, `${'y'.repeat(150_000)}\n{"kpi":1,"value":1,"time":5}\n`);
    const { readings, invalid } = flat(await drain(new JsonLinesSource({ name: 'j', path, ...lineOpts })));
    expect(invalid).toHaveLength(1);
    expect(readings.map((r) => r.time)).toEqual([5]);
  });
});

/** A push source on a free port: bodies up to 2,000 bytes, 3 readings per request. */
function pushSource(maxQueued: number): HttpPushSource {
  return new HttpPushSource({
    name: 'h',
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 2_000,
    maxReadings: 3,
    maxQueued,
  });
}

describe('HttpPushSource', () => {
  async function withServer(
    fn: (url: string, src: HttpPushSource) => Promise<void>,
    maxQueued = 4,
  ): Promise<void> {
    const src = pushSource(maxQueued);
    const ac = new AbortController();
    const got: ReadingBatch[] = [];
    const pump = (async () => {
      for await (const b of src.batches(ac.signal)) got.push(b);
    })();
    const port = await src.port();
    try {
      await fn(`http://127.0.0.1:${port}/readings`, src);
    } finally {
      ac.abort();
      await pump;
    }
  }

  const post = (url: string, body: string) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('answers 202 once stored, with per-item rejections', async () => {
    await withServer(async (url) => {
      const res = await post(
        url,
        JSON.stringify([
          { kpi: 'Air pollution', series: 'NO2', value: 7, unit: 'µg/m³', time: '2026-01-01T00:00:00Z' },
          { kpi: 'x', value: 1 },
        ]),
      );
      expect(res.status).toBe(202);
      const body = (await res.json()) as { accepted: number; rejected: { index: number; reason: string }[] };
      expect(body.accepted).toBe(1);
      expect(body.rejected).toEqual([{ index: 1, reason: expect.stringContaining('time') }]);
    });
  });

  it('refuses bad JSON, too many readings, a too large body and other paths', async () => {
    await withServer(async (url) => {
      expect((await post(url, '{')).status).toBe(400);
      const four = JSON.stringify(Array(4).fill({ kpi: 1, value: 1, time: 1 }));
      expect((await post(url, four)).status).toBe(413);
      expect(
        (
          await post(
            url,
            JSON.stringify({ readings: [{ kpi: 'k', value: 1, time: 1, unit: 'x'.repeat(2_000) }] }),
          )
        ).status,
      ).toBe(413);
      expect((await fetch(url.replace('/readings', '/other'), { method: 'POST', body: '{}' })).status).toBe(
        404,
      );
      expect((await post(url, JSON.stringify({ kpi: 'k', value: 'NaN', time: 1 }))).status).toBe(400);
    });
  });
});

describe('HttpPushSource backpressure', () => {
  it('answers 503 with Retry-After when its queue is full, and 202 once the batch is stored', async () => {
    const src = pushSource(1);
    const ac = new AbortController();
    const it = src.batches(ac.signal)[Symbol.asyncIterator]();
    const first = it.next();
    const url = `http://127.0.0.1:${await src.port()}/readings`;
    const body = JSON.stringify({ kpi: 1, value: 1, time: 1 });
    const held = fetch(url, { method: 'POST', body });
    expect(((await first).value as ReadingBatch).readings).toHaveLength(1); // handed over, not yet stored
    expect(src.caughtUp()).toBe(false);
    const busy = await fetch(url, { method: 'POST', body });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    const next = it.next(); // the consumer stored the batch and asks for more: now the client hears 202
    expect((await held).status).toBe(202);
    ac.abort();
    expect((await next).done).toBe(true);
  });
});

describe('SqlSource', () => {
  it('runs the query from the cursor and resumes after a restart without repeats', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE m (id INTEGER PRIMARY KEY, code TEXT, pollutant TEXT, v REAL, u TEXT, t INTEGER)');
    for (let i = 1; i <= 5; i++)
      db.run('INSERT INTO m (code, pollutant, v, u, t) VALUES (?, ?, ?, ?, ?)', [
        'EN: EN: AQ: 1C',
        'PM10',
        i * 10,
        'µg/m³',
        1767225600000 + i,
      ]);
    db.run("INSERT INTO m (code, pollutant, v, u, t) VALUES ('EN: EN: AQ: 1C', 'PM10', NULL, 'µg/m³', 5)");
    const path = join(tempDir(), 'city.sqlite');
    writeFileSync(path, db.export());
    db.close();
    const query =
      'SELECT id AS cursor, code AS kpi, pollutant AS series, v AS value, u AS unit, t AS time FROM m WHERE id > :cursor ORDER BY id';
    const opts = {
      name: 's',
      path,
      query,
      initialCursor: '0',
      follow: false,
      pollMs: 10,
      batchRows: 2,
      maxDbBytes: 1e7,
    };
    const batches = await drain(new SqlSource(opts));
    const all = flat(batches);
    expect(all.readings.map((r) => r.value)).toEqual([10, 20, 30, 40, 50]);
    expect(all.invalid).toHaveLength(1); // NULL value
    expect(all.readings[0]!.id).toBe('row:1');
    const resumed = flat(await drain(new SqlSource({ ...opts, startCursor: batches[1]!.cursor })));
    expect(resumed.readings.map((r) => r.value)).toEqual([50]);
  });

  it('in follow mode sees rows the city system adds later', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE m (id INTEGER PRIMARY KEY, v REAL, t INTEGER)');
    db.run('INSERT INTO m (v, t) VALUES (1, 1)');
    const path = join(tempDir(), 'live.sqlite');
    writeFileSync(path, db.export());
    const query =
      "SELECT id AS cursor, 'EN: EN: WS: 2C' AS kpi, v AS value, 'L/person/day' AS unit, t AS time FROM m WHERE id > :cursor ORDER BY id";
    const src = new SqlSource({
      name: 's',
      path,
      query,
      initialCursor: '0',
      follow: true,
      pollMs: 5,
      batchRows: 10,
      maxDbBytes: 1e7,
    });
    const ac = new AbortController();
    const it = src.batches(ac.signal)[Symbol.asyncIterator]();
    expect(((await it.next()).value as ReadingBatch).readings.map((r) => r.value)).toEqual([1]);
    const next = it.next();
    db.run('INSERT INTO m (v, t) VALUES (2, 2)');
    writeFileSync(path, db.export());
    const b = (await next).value as ReadingBatch;
    expect(b.readings.map((r) => r.value)).toEqual([2]);
    expect(b.cursor).toBe('2');
    ac.abort();
    expect((await it.next()).done).toBe(true);
    db.close();
  });

  it('in follow mode gives up with SOURCE_FAILED once the file stays unreadable', async () => {
    const path = join(tempDir(), 'garbage.sqlite');
    writeFileSync(path, 'not a database, and long enough to be read as one: '.repeat(20));
    const src = new SqlSource({
      name: 's',
      path,
      query: 'SELECT 1 AS cursor',
      initialCursor: '0',
      follow: true,
      pollMs: 1,
      batchRows: 1,
      maxDbBytes: 1e6,
    });
    await expect(drain(src)).rejects.toThrow('SOURCE_FAILED');
  });

  it('refuses a cursor that repeats: resuming after the first row would skip the second', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE m (t INTEGER, v REAL)');
    db.run('INSERT INTO m VALUES (1, 1), (2, 2), (2, 3)');
    const path = join(tempDir(), 'ties.sqlite');
    writeFileSync(path, db.export());
    db.close();
    const src = new SqlSource({
      name: 's',
      path,
      query:
        "SELECT t AS cursor, 'EN: EN: AQ: 1C' AS kpi, v AS value, t AS time FROM m WHERE t > :cursor ORDER BY t",
      initialCursor: '0',
      follow: false,
      pollMs: 1,
      batchRows: 10,
      maxDbBytes: 1e6,
    });
    await expect(drain(src)).rejects.toThrow(/cursor value 2 is not unique/);
  });

  it('refuses a database file over its size cap before loading it', async () => {
    const path = join(tempDir(), 'big.sqlite');
    writeFileSync(path, Buffer.alloc(2_000));
    const src = new SqlSource({
      name: 's',
      path,
      query: 'SELECT 1',
      initialCursor: '0',
      follow: false,
      pollMs: 1,
      batchRows: 1,
      maxDbBytes: 1_000,
    });
    await expect(drain(src)).rejects.toThrow('OVERSIZED');
  });
});
