// The in-memory twin must behave exactly like the classic-level Db it stands in for: same values,
// same key order, same range bounds, reverse and limit.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readU64, u64 } from '../../../node/store/buckets.js';
import { compareBytes, type Db, type DbRange, LevelDb, MemoryDb } from '../../../node/store/index.js';
import { tempDir } from './fixtures.js';

async function collect(db: Db, r: DbRange): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of db.iterate(r))
    out.push(`${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
  return out;
}

const bytes = fc.uint8Array({ minLength: 0, maxLength: 3 });
const op = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key: bytes, value: bytes }),
  fc.record({ type: fc.constant('del' as const), key: bytes }),
);
const range = fc.record(
  {
    gte: bytes,
    gt: bytes,
    lt: bytes,
    lte: bytes,
    reverse: fc.boolean(),
    limit: fc.integer({ min: 0, max: 5 }),
  },
  { requiredKeys: [] },
);

describe('MemoryDb vs LevelDb', () => {
  let tmp: ReturnType<typeof tempDir>;
  let n = 0;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('agree on every range after the same batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { maxLength: 6 }), { maxLength: 5 }),
        fc.array(range, { maxLength: 5 }),
        async (batches, ranges) => {
          const level = await LevelDb.open(`${tmp.dir}/db-${n++}`);
          const mem = new MemoryDb();
          try {
            for (const b of batches) {
              await level.batch(b);
              await mem.batch(b);
            }
            for (const r of [{}, ...ranges]) expect(await collect(mem, r)).toEqual(await collect(level, r));
            const keys = batches.flat().map((b) => b.key);
            for (const k of keys) expect(await mem.get(k)).toEqual(await level.get(k));
            const probe = [...keys, Uint8Array.of(0xfe, 0xfe, 0xfe, 0xfe)];
            expect(await mem.getMany(probe)).toEqual(await level.getMany(probe));
          } finally {
            await level.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('MemoryDb loses exactly the writes after the last synced batch on a crash', async () => {
    const db = new MemoryDb();
    await db.put(Uint8Array.of(1), Uint8Array.of(1));
    await db.batch([{ type: 'put', key: Uint8Array.of(2), value: Uint8Array.of(2) }], { sync: true });
    await db.batch([
      { type: 'put', key: Uint8Array.of(2), value: Uint8Array.of(9) },
      { type: 'del', key: Uint8Array.of(1) },
      { type: 'put', key: Uint8Array.of(3), value: Uint8Array.of(3) },
    ]);
    db.crashUnsynced();
    db.reopen();
    expect(await collect(db, {})).toEqual(['01=01', '02=02']);
  });
});

describe('key integers', () => {
  it('u64 round-trips every safe integer and sorts as bytes in numeric order', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
        expect(readU64(u64(a))).toBe(a);
        expect(Math.sign(compareBytes(u64(a), u64(b)))).toBe(Math.sign(a - b));
      }),
    );
  });
});
