// The platform's SQL store: schema migrations, byte-exact Table 10-3 records and their derived
// fields, the relational KPI values, and one block = one transaction. Run on every back end the
// machine offers (store-backends.ts).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStorageRecord } from '../../../codec/storage-record.js';
import { PlatformErrorCode } from '../../../platform/errors.js';
import { Extractor } from '../../../platform/extractor.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import type { SqlDb } from '../../../platform/sql-db.js';
import { migrate, SCHEMA_VERSION } from '../../../platform/sql-migrate.js';
import { MIGRATIONS } from '../../../platform/sql-schema.js';
import { PlatformStore } from '../../../platform/store.js';
import {
  ELECTRICITY,
  entry,
  FakeChain,
  genesis,
  HOUR,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
} from './fixture.js';
import { crashing, dump } from './sql-fakes.js';
import { backends } from './store-backends.js';

const URL = 'bkdms://store-test';

/** Three blocks: each site uploads unemployment (and site B electricity) every hour. */
function chain(): FakeChain {
  const c = new FakeChain();
  for (let h = 1; h <= 3; h++)
    c.append([
      upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, 4 + h)])),
      upload(
        siteB,
        h,
        record(siteB, T0 + h * HOUR, [entry(UNEMPLOYMENT, 6 + h), entry(ELECTRICITY, 90 + h)]),
      ),
    ]);
  return c;
}

const extractor = (store: PlatformStore) => Extractor.open(store, genesis, new PacketOpener([scpKey]), URL);

describe.each(backends())('platform store on $name', (backend) => {
  let open: SqlDb[] = [];
  const fresh = async (): Promise<SqlDb> => {
    const db = await backend.db();
    open.push(db);
    return db;
  };
  beforeAll(backend.setUp, 180_000);
  afterAll(async () => {
    for (const db of open) await db.close();
    open = [];
    await backend.tearDown();
  }, 60_000);

  it('migrates once, is idempotent, applies only new migrations, and refuses a newer schema', async () => {
    const db = await fresh();
    expect(await migrate(db)).toBe(0);
    expect(await migrate(db)).toBe(SCHEMA_VERSION);
    const versions = await db.query('SELECT version FROM schema_version ORDER BY version');
    expect(versions.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const next = [...MIGRATIONS, ['CREATE TABLE later_table (a integer)']];
    expect(await migrate(db, next)).toBe(SCHEMA_VERSION);
    expect(await db.query('SELECT * FROM later_table')).toEqual([]);
    const err = await migrate(db).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: PlatformErrorCode.Store });
    expect((err as Error).message).toMatch(
      new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this program's ${SCHEMA_VERSION}`),
    );
  });

  it('keeps each Table 10-3 record byte for byte, its six fields derived from those bytes', async () => {
    const store = new PlatformStore(await fresh());
    await (await extractor(store)).follow(chain());
    const rows = await store.db.query('SELECT * FROM storage_records ORDER BY height, idx');
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      const bytes = Uint8Array.from(r.record as Uint8Array);
      const stored = [];
      for await (const x of store.packets({ fromHeight: Number(r.height), toHeight: Number(r.height) }))
        stored.push(x);
      expect(stored[Number(r.idx)]!.storage).toEqual(bytes);
      const rec = decodeStorageRecord(bytes);
      const field = (k: string) => Uint8Array.from(r[k] as Uint8Array);
      expect(field('data_recorder')).toEqual(bytes.subarray(1, 21));
      expect(field('block_recorder')).toEqual(bytes.subarray(21, 37));
      expect(field('tracing_code')).toEqual(rec.tracingCode);
      expect(Buffer.from(field('chain_id')).toString('latin1')).toBe(URL);
      expect(field('city_data')).toEqual(rec.cityData);
      expect(field('check_code')).toEqual(rec.checkCode);
    }
  });

  it('keeps decrypted values relational: by city, KPI and time; latest per KPI per city; by tracing code', async () => {
    const store = new PlatformStore(await fresh());
    await (await extractor(store)).follow(chain());
    const range = await store.db.query(
      `SELECT value, unit FROM kpi_values WHERE city = $1 AND kpi_code = $2 AND time >= $3 AND time < $4
       ORDER BY time`,
      ['CNBJS', UNEMPLOYMENT, T0 + 2 * HOUR, T0 + 4 * HOUR],
    );
    expect(range.map((r) => [Number(r.value), r.unit])).toEqual([
      [8, '%'],
      [9, '%'],
    ]);
    const latest = await store.db.query(
      `SELECT DISTINCT ON (city, kpi_code) city, kpi_code, value FROM kpi_values
       ORDER BY city, kpi_code, time DESC`,
    );
    expect(latest.map((r) => [r.city, Number(r.kpi_code), Number(r.value)])).toEqual([
      ['CNBJS', UNEMPLOYMENT, 9],
      ['CNBJS', ELECTRICITY, 93],
      ['CNSHA', UNEMPLOYMENT, 7],
    ]);
    const [tc] = await store.db.query('SELECT tracing_code FROM packets WHERE height = 2 AND idx = 1');
    const byCode = await store.db.query('SELECT kpi_code, value FROM kpi_values WHERE tracing_code = $1', [
      tc!.tracing_code,
    ]);
    expect(byCode.map((r) => Number(r.value)).sort()).toEqual([8, 92]);
  });

  it('deletes every row of a packet with it, and keeps the block-hash log with the cursor', async () => {
    const store = new PlatformStore(await fresh());
    await (await extractor(store)).follow(chain());
    const rowsOf = async () => {
      const out: number[] = [];
      for (const t of ['packets', 'storage_records', 'packet_outcomes', 'kpi_values'])
        out.push((await store.db.query(`SELECT 1 FROM ${t} WHERE height = 2 AND idx = 1`)).length);
      return out;
    };
    expect(await rowsOf()).toEqual([1, 1, 1, 2]);
    await store.db.query('DELETE FROM packets WHERE height = 2 AND idx = 1');
    expect(await rowsOf()).toEqual([0, 0, 0, 0]);
    expect((await store.db.query('SELECT 1 FROM kpi_values WHERE height = 2 AND idx = 0')).length).toBe(1);
    // Blocks 0..3 logged: a frontier of 4 leaves is one subtree root.
    expect((await store.checkpoint())?.hashLog).toHaveLength(1);
  });

  it('writes a block in one transaction: a failure mid-block leaves nothing of it and the cursor where it was', async () => {
    const c = chain();
    const inner = await fresh();
    const clean = await fresh();
    const reference = new PlatformStore(clean);
    const ex0 = await extractor(reference);
    await ex0.apply(1, c.built[0]!.certifiedBlock);
    // Block 2 fails at its last statement, the cursor's, after its packets, records, outcomes and
    // values are written.
    const db = crashing(inner, { at: /INSERT INTO extract_cursor/, fails: (n) => n === 2 });
    const ex = await extractor(new PlatformStore(db));
    await ex.apply(1, c.built[0]!.certifiedBlock);
    await expect(ex.apply(2, c.built[1]!.certifiedBlock)).rejects.toThrow(/crash/);
    expect(await dump(inner)).toEqual(await dump(clean));
    expect((await new PlatformStore(inner).checkpoint())?.height).toBe(1);
    // Resumed, the block is written whole, once.
    await ex.apply(2, c.built[1]!.certifiedBlock);
    await ex0.apply(2, c.built[1]!.certifiedBlock);
    expect(await dump(inner)).toEqual(await dump(clean));
  });

  it('resumes after crashes at any block with no gap and no duplicate', async () => {
    const c = chain();
    const clean = await fresh();
    await (await extractor(new PlatformStore(clean))).follow(c);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), async (crashes) => {
        const inner = await fresh();
        for (const at of crashes) {
          const ex = await extractor(new PlatformStore(crashing(inner, { fails: (n) => n === at })));
          await ex.follow(c).catch(() => undefined);
        }
        await (await extractor(new PlatformStore(inner))).follow(c);
        expect(await dump(inner)).toEqual(await dump(clean));
      }),
      { numRuns: 4 },
    );
  });

  it('shows a reader whole blocks only while the follower writes', async () => {
    const c = chain();
    const db = await fresh();
    const store = new PlatformStore(db);
    const ex = await extractor(store);
    const reader = await backend.reader(db);
    if (reader !== db) open.push(reader);
    let writing = true;
    const seen: number[][] = [];
    const reading = (async () => {
      while (writing) {
        // One statement, one snapshot: cursor, packets and values as of the same moment.
        const [r] = await reader.query(`SELECT (SELECT height FROM extract_cursor) AS h,
          (SELECT count(*) FROM packets) AS p, (SELECT count(*) FROM kpi_values) AS v`);
        seen.push([Number(r!.h ?? 0), Number(r!.p), Number(r!.v)]);
      }
    })();
    for (const [i, b] of c.built.entries()) await ex.apply(i + 1, b.certifiedBlock);
    writing = false;
    await reading;
    expect(seen.length).toBeGreaterThan(0);
    for (const [h, p, v] of seen) expect([p, v]).toEqual([2 * h!, 3 * h!]);
  });

  it('keeps audit runs and their findings', async () => {
    const store = new PlatformStore(await fresh());
    const finding = {
      height: 2,
      index: 1,
      tracingCode: 'ab',
      problem: 'CHECK_CODE_MISMATCH' as const,
      detail: 'x',
    };
    const id = await store.saveAudit(
      { fromHeight: 1, toHeight: 3, blocks: 3, records: 6, findings: [finding], ok: false },
      T0,
    );
    const rows = await store.db.query('SELECT * FROM audit_findings WHERE run_id = $1', [id]);
    expect(rows.map((r) => [Number(r.height), Number(r.idx), r.problem, r.field])).toEqual([
      [2, 1, 'CHECK_CODE_MISMATCH', null],
    ]);
  });
});
