// The site's PostgreSQL source against a throw-away PostgreSQL server (test/support/pg-server.ts):
// rows become readings in cursor order, a restart from the saved cursor neither repeats nor skips,
// rows added later are picked up, a database that goes down is reported and recovered from, and a
// configuration retrying cannot fix fails with a typed error.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_START_TIMEOUT_MS, type PgServer, startPgServer } from '../../devnet/pg-server.js';
import { collect } from '../../site/collector.js';
import { sourceConfigSchema } from '../../site/config.js';
import { kpiNormalizer } from '../../site/kpi-normalizer.js';
import { Outbox } from '../../site/outbox.js';
import { PeriodSealer } from '../../site/sealer.js';
import { SeqLock } from '../../site/seq-lock.js';
import { sourceFromConfig } from '../../site/sources/from-config.js';
import { PgSource, type PgSourceOptions } from '../../site/sources/postgres.js';
import type { ReadingBatch } from '../../site/sources/source.js';
import { Spool } from '../../site/spool.js';
import { StateFile } from '../../site/state.js';
import { SiteCounters } from '../../site/status.js';
import { FakeMaker, noLog, tempDir } from '../unit/site/helpers.js';

const t0 = Date.UTC(2026, 2, 2);
const H = 3_600_000;
let server: PgServer;
let db: pg.Client;
let tables = 0;

beforeAll(async () => {
  server = await startPgServer();
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
}, PG_START_TIMEOUT_MS);
afterAll(async () => {
  await db?.end().catch(() => {});
  await server?.stop();
}, PG_START_TIMEOUT_MS);

/** A fresh table of the city system: id, pollutant, concentration, unit, observation time. */
async function table(): Promise<string> {
  const name = `readings_${++tables}`;
  await db.query(
    `create table ${name} (id bigserial primary key, pollutant text, conc numeric, unit text, observed_at timestamptz)`,
  );
  return name;
}

async function insert(name: string, values: (number | null)[]): Promise<void> {
  for (const v of values) {
    await db.query(
      `insert into ${name} (pollutant, conc, unit, observed_at) values ('PM10', $1, 'µg/m³', $2)`,
      [v, new Date(t0 + (v ?? 0) * 60_000)],
    );
  }
}

function options(over: Partial<PgSourceOptions>): PgSourceOptions {
  return {
    name: 'city-db',
    url: server.url,
    cursorColumn: 'id',
    columns: { series: 'pollutant', value: 'conc', time: 'observed_at' },
    constants: { kpi: 'EN: EN: AQ: 1C' },
    follow: false,
    pollMs: 20,
    batchRows: 2,
    connectTimeoutMs: 5_000,
    queryTimeoutMs: 10_000,
    backoff: { baseMs: 20, maxMs: 200, jitter: 0 },
    ...over,
  };
}

async function drain(src: PgSource): Promise<ReadingBatch[]> {
  const out: ReadingBatch[] = [];
  for await (const b of src.batches(new AbortController().signal)) out.push(b);
  return out;
}

const values = (bs: ReadingBatch[]) => bs.flatMap((b) => b.readings.map((r) => r.value));

/** The next batch that carries rows (or, with `status`, a source error report). */
async function next(it: AsyncIterator<ReadingBatch>, status = false): Promise<ReadingBatch> {
  for (;;) {
    const r = await it.next();
    if (r.done) throw new Error('source ended');
    if (status ? r.value.sourceError !== undefined : r.value.readings.length + r.value.invalid.length > 0)
      return r.value;
  }
}

describe('PostgreSQL source', () => {
  it('turns rows into readings in cursor order, in pages of batchRows, each with its cursor', async () => {
    const t = await table();
    await insert(t, [10, 20, null, 40, 50]);
    const batches = await drain(new PgSource(options({ table: t })));
    expect(batches.map((b) => b.cursor)).toEqual(['2', '4', '5']);
    expect(values(batches)).toEqual([10, 20, 40, 50]);
    const invalid = batches.flatMap((b) => b.invalid);
    expect(invalid.map((i) => i.id)).toEqual(['row:3']); // NULL concentration: not a reading
    const first = batches[0]!.readings[0]!;
    expect(first).toMatchObject({ kpi: 'EN: EN: AQ: 1C', series: 'PM10', unit: 'µg/m³', id: 'row:1' });
    expect(first.time).toBe(t0 + 10 * 60_000);
  });

  it('resumes after the saved cursor: through the collector and state file, no row twice, none skipped', async () => {
    const t = await table();
    await insert(t, [1, 2, 3]);
    const dir = tempDir();
    const config = sourceConfigSchema.parse({
      type: 'pg',
      name: 'city-db',
      url: server.url,
      table: t,
      cursorColumn: 'id',
      batchRows: 2,
      columns: { series: 'pollutant', value: 'conc', time: 'observed_at' },
      constants: { kpi: 'EN: EN: AQ: 1C' },
    });
    const run = async () => {
      const d = stores(dir);
      await collect(
        sourceFromConfig(config, d.state.get().cursors['city-db']),
        d,
        new AbortController().signal,
      );
    };
    await run();
    expect(new StateFile(join(dir, 'state.json')).get().cursors).toEqual({ 'city-db': '3' });
    await insert(t, [4, 5]);
    await run(); // a restart: the source is built again from the saved cursor
    const spooled = stores(dir).spool.load(t0);
    expect(spooled.readings.map((r) => r.id)).toEqual(['row:1', 'row:2', 'row:3', 'row:4', 'row:5']);
    expect(spooled.duplicates).toBe(0);
  });

  it('in follow mode picks up rows inserted later', async () => {
    const t = await table();
    await insert(t, [1]);
    const ac = new AbortController();
    const src = new PgSource(options({ table: t, follow: true }));
    const it = src.batches(ac.signal)[Symbol.asyncIterator]();
    expect((await next(it)).readings.map((r) => r.value)).toEqual([1]);
    const later = next(it);
    await insert(t, [2, 3, 4]);
    expect((await later).readings.map((r) => r.value)).toEqual([2, 3]);
    expect((await next(it)).readings.map((r) => r.value)).toEqual([4]);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('a query source with a timestamp cursor resumes exactly, microseconds included', async () => {
    const t = await table();
    await db.query(
      `insert into ${t} (pollutant, conc, unit, observed_at) values
       ('PM10', 1, 'µg/m³', '2026-03-02 00:00:00.000001+00'), ('PM10', 2, 'µg/m³', '2026-03-02 00:00:00.000002+00'),
       ('PM10', 3, 'µg/m³', '2026-03-02 00:00:00.000003+00')`,
    );
    const opts = options({
      query: `select observed_at as at, conc, pollutant, unit from ${t};`,
      cursorColumn: 'at',
      columns: { series: 'pollutant', value: 'conc', time: 'at' },
      batchRows: 1,
    });
    const first = (await drain(new PgSource({ ...opts, batchRows: 1 }))).slice(0, 1);
    expect(first[0]!.cursor).toBe('2026-03-02 00:00:00.000001+00');
    const rest = await drain(new PgSource({ ...opts, startCursor: first[0]!.cursor }));
    expect(values(rest)).toEqual([2, 3]);
  });

  it(
    'reports a database that went down in the status, retries, and recovers without losing rows',
    async () => {
      const t = await table();
      await insert(t, [1]);
      const ac = new AbortController();
      const src = new PgSource(options({ table: t, follow: true }));
      const it = src.batches(ac.signal)[Symbol.asyncIterator]();
      expect((await next(it)).readings.map((r) => r.value)).toEqual([1]);
      await db.end();
      await server.takeDown();
      const down = await next(it, true);
      expect(down.sourceError).toMatch(/^cannot read database 127\.0\.0\.1:\d+\/bkdms_test: /);
      expect(down.sourceError).not.toContain(new URL(server.url).password);
      expect(src.caughtUp()).toBe(false);
      await server.bringUp();
      db = new pg.Client({ connectionString: server.url });
      await db.connect();
      await insert(t, [2]);
      let b = await next(it, true);
      while (b.sourceError !== '') b = await next(it, true); // retries that failed before the server was back
      expect((await next(it)).readings.map((r) => r.value)).toEqual([2]);
      ac.abort();
      await it.return?.();
    },
    PG_START_TIMEOUT_MS,
  );

  it('refuses a time without a zone as invalid input instead of guessing the zone', async () => {
    const t = await table();
    await db.query(`alter table ${t} add column local_time timestamp`);
    await db.query(
      `insert into ${t} (pollutant, conc, unit, observed_at, local_time) values ('PM10', 7, 'µg/m³', now(), '2026-03-02 10:00')`,
    );
    const batches = await drain(
      new PgSource(
        options({ table: t, columns: { series: 'pollutant', value: 'conc', time: 'local_time' } }),
      ),
    );
    expect(values(batches)).toEqual([]);
    expect(batches.flatMap((b) => b.invalid).map((i) => i.reason)).toEqual([
      expect.stringContaining('time must be UTC ms or ISO 8601'),
    ]);
  });

  it('fails with a typed error on a configuration retrying cannot fix', async () => {
    const t = await table();
    await insert(t, [1, 1]);
    await db.query(`update ${t} set observed_at = $1`, [new Date(t0)]);
    const failure = (over: Partial<PgSourceOptions>) => drain(new PgSource(options({ table: t, ...over })));
    await expect(failure({ cursorColumn: 'no_such_column' })).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
    });
    await expect(failure({ table: 'no_such_table' })).rejects.toThrow(/no_such_table/);
    await expect(failure({ cursorColumn: 'observed_at' })).rejects.toThrow(/not unique/);
    const wrong = new URL(server.url);
    wrong.password = 'wrong';
    await expect(failure({ url: wrong.toString() })).rejects.toThrow(/password/);
    expect(() => new PgSource(options({ table: t, query: 'select 1' }))).toThrow(
      expect.objectContaining({ code: 'BAD_CONFIG' }),
    );
    const parsed = sourceConfigSchema.safeParse({
      type: 'pg',
      name: 'x',
      url: server.url,
      table: 'a; drop table b',
      cursorColumn: 'id',
    });
    expect(parsed.success).toBe(false);
    const both = sourceConfigSchema.safeParse({
      type: 'pg',
      name: 'x',
      url: server.url,
      table: t,
      query: 'select 1',
    });
    expect(both.success).toBe(false);
  });
});

function stores(dir: string) {
  const spool = new Spool(join(dir, 'spool'), H);
  const outbox = new Outbox(join(dir, 'outbox'), { maxEntries: 10, maxBytes: 1e6 });
  const state = new StateFile(join(dir, 'state.json'));
  const counters = new SiteCounters();
  const identity = { country: 250, city: { scheme: 1, code: 'FRPAR' }, siteId: new Uint8Array(16) };
  const deps = { spool, outbox, state, counters, log: noLog };
  const sealer = new PeriodSealer(
    { ...deps, lock: new SeqLock(), normalizer: kpiNormalizer(), maker: new FakeMaker(), identity },
    { periodMs: H, maxEntriesPerRecord: 128 },
  );
  return { ...deps, sealer, maxSpoolBytes: 1e6, spoolFullWaitMs: 1 };
}
