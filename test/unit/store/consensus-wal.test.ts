// The consensus WAL file (node/store/consensus-wal.ts, docs/storage.md): a last record that a
// crash cut at any byte is cut off and the record before it restored, and the WAL takes appends
// again; damage before the tail refuses to open with the file and offset; the file is rewritten
// to its last record when it outgrows its bound; data folders of earlier versions are migrated.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { DurableKind, scanDurableLog } from '../../../codec/durable-record.js';
import { Bucket, key } from '../../../node/store/buckets.js';
import { ConsensusWal, WAL_FILE } from '../../../node/store/consensus-wal.js';
import { MemoryDb, Store, StoreError, StoreErrorCode } from '../../../node/store/index.js';
import { LEGACY_STATE_KEY } from '../../../node/store/legacy-consensus.js';
import { consensusState, prepareEvidence } from './consensus-fixtures.js';
import { tempDir } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let walDir: string;
let file: string;
beforeEach(() => {
  tmp = tempDir();
  walDir = join(tmp.dir, 'wal');
  file = join(walDir, WAL_FILE);
});
afterEach(() => tmp.cleanup());

/** A WAL holding states 0..n-1; returns the record offsets. */
async function written(n: number): Promise<number[]> {
  const wal = await ConsensusWal.open(walDir);
  for (let i = 0; i < n; i++) await wal.put(consensusState(i));
  await wal.close();
  return scanDurableLog(readFileSync(file), DurableKind.ConsensusState).records.map((r) => r.offset);
}

async function openError(): Promise<StoreError> {
  const err = await ConsensusWal.open(walDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe('consensus WAL file', () => {
  it('a fresh WAL holds nothing; each put is read back after a reopen', async () => {
    const wal = await ConsensusWal.open(walDir);
    expect(wal.state).toBeUndefined();
    await wal.put(consensusState(1));
    await wal.put(consensusState(2));
    await wal.close();
    const again = await ConsensusWal.open(walDir);
    expect(again.state).toEqual(consensusState(2));
    expect(again.report).toEqual({ file, records: 2, torn: null });
    await again.close();
  });

  it('the last record cut at every byte: the one before is restored, the cut reported, and appends go on', async () => {
    const [, , last] = await written(3);
    const whole = readFileSync(file);
    expect(whole.length - last!).toBeGreaterThan(300);
    for (let cut = last!; cut < whole.length; cut++) {
      writeFileSync(file, whole.subarray(0, cut));
      const wal = await ConsensusWal.open(walDir);
      expect(wal.state, `cut at ${cut}`).toEqual(consensusState(1));
      expect(wal.report.torn, `cut at ${cut}`).toEqual(
        cut === last ? null : { offset: last, bytes: cut - last!, reason: expect.any(String) },
      );
      expect(statSync(file).size).toBe(last);
      await wal.put(consensusState(7));
      await wal.close();
      const again = await ConsensusWal.open(walDir);
      expect(again.state).toEqual(consensusState(7));
      expect(again.report).toMatchObject({ records: 3, torn: null });
      await again.close();
    }
  }, 120_000);

  it('pages of the last append never written (zeros) and a flipped bit in the last record are torn too', async () => {
    const [, , last] = await written(3);
    const whole = readFileSync(file);
    writeFileSync(file, Buffer.concat([whole.subarray(0, last), new Uint8Array(4096)]));
    let wal = await ConsensusWal.open(walDir);
    expect(wal.state).toEqual(consensusState(1));
    expect(wal.report.torn).toMatchObject({ offset: last, bytes: 4096 });
    await wal.close();
    const flipped = Buffer.from(whole);
    flipped[whole.length - 10]! ^= 0x04;
    writeFileSync(file, flipped);
    wal = await ConsensusWal.open(walDir);
    expect(wal.state).toEqual(consensusState(1));
    expect(wal.report.torn?.reason).toContain('CRC-32C');
    await wal.close();
  });

  it('a corrupted record before the last refuses to open, naming the file and offset, and leaves the file', async () => {
    const [, middle] = await written(3);
    const damaged = Buffer.from(readFileSync(file));
    damaged[middle! + 100]! ^= 0x01;
    writeFileSync(file, damaged);
    const err = await openError();
    expect(err.code).toBe(StoreErrorCode.Corrupt);
    expect(err.meta).toMatchObject({ file, offset: middle, code: 'BAD_CHECKSUM' });
    expect(err.message).toContain('before its tail');
    expect(readFileSync(file)).toEqual(damaged);
  });

  it('a whole record of a newer version refuses to open instead of being cut off', async () => {
    await written(1);
    const b = Buffer.from(readFileSync(file));
    b[5] = 2;
    b.writeUInt32BE(crc(b.subarray(0, b.length - 4)), b.length - 4);
    writeFileSync(file, b);
    expect((await openError()).meta).toMatchObject({ offset: 0, code: 'UNKNOWN_VERSION' });
  });

  it('past its bound the file is rewritten to its last record; a compaction cut short leaves the old file', async () => {
    const wal = await ConsensusWal.open(walDir, 8 * 1024);
    const sizes: number[] = [];
    for (let i = 0; i < 60; i++) {
      await wal.put(consensusState(i));
      sizes.push(statSync(file).size);
    }
    await wal.close();
    const one = sizes[0]!;
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8 * 1024 + 4 * one);
    expect(sizes.filter((s, i) => i > 0 && s < sizes[i - 1]!).length).toBeGreaterThan(2);
    writeFileSync(`${file}.tmp`, 'half a compaction');
    const again = await ConsensusWal.open(walDir, 8 * 1024);
    expect(again.state).toEqual(consensusState(59));
    expect(existsSync(`${file}.tmp`)).toBe(false);
    await again.close();
  });
});

describe('data folders of earlier versions (msgpackr values in the index)', () => {
  it('the state moves to the WAL file and its key goes; evidence is rewritten as records; once', async () => {
    const db = new MemoryDb();
    const e = prepareEvidence();
    const first = encodeConsensusMessage(e.first);
    const second = encodeConsensusMessage(e.second);
    await db.batch([
      { type: 'put', key: LEGACY_STATE_KEY, value: pack(consensusState(2)) },
      {
        type: 'put',
        key: key(Bucket.Evidence, Uint8Array.of(1)),
        value: pack({ kind: e.kind, offender: e.offender, first, second }),
      },
    ]);
    let store = await Store.open(tmp.dir, { db });
    expect(store.walReport.migrated).toEqual({ state: true, evidence: 1 });
    expect(store.consensusState()).toEqual(consensusState(2));
    expect(await db.get(LEGACY_STATE_KEY)).toBeUndefined();
    await store.close();
    store = await Store.open(tmp.dir, { db: db.reopen() });
    expect(store.walReport.migrated).toEqual({ state: false, evidence: 0 });
    expect(store.consensusState()).toEqual(consensusState(2));
    const stored = [];
    for await (const [k, v] of store.evidence()) stored.push([[...k], v]);
    expect(stored).toEqual([[[1], e]]);
    await store.close();
  });

  it('an old state that is not what the driver wrote refuses to open with a typed error', async () => {
    const db = new MemoryDb();
    await db.batch([{ type: 'put', key: LEGACY_STATE_KEY, value: pack({ view: 'three', votes: [] }) }]);
    const err = await Store.open(tmp.dir, { db }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(StoreErrorCode.Corrupt);
    expect((err as StoreError).message).toContain('earlier version');
  });
});

/** CRC-32C, bytewise: the test's own, not the codec's. */
function crc(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const v of b) {
    c ^= v;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
