import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeKpiRecord } from '../../../codec/kpi-record.js';
import type { KpiRecord } from '../../../codec/types.js';
import { SiteError, SiteErrorCode } from '../../../site/errors.js';
import { Outbox, type OutboxEntry, tracingCodeOf } from '../../../site/outbox.js';
import { tempDir } from './helpers.js';

const kpiRecord: KpiRecord = {
  country: 756,
  city: { scheme: 1, code: 'CHGVA' },
  siteId: new Uint8Array(16),
  time: 3_600_000,
  entries: [{ code: 21101, series: 0, value: 12, flags: 0 }],
  extension: new Uint8Array(0),
};

function entry(seq: number, bytes = 100): OutboxEntry {
  const envelope = new Uint8Array(bytes).fill(seq & 0xff);
  return {
    seq,
    period: 3_600_000,
    part: 0,
    parts: 1,
    tracingCode: tracingCodeOf(envelope),
    envelope,
    createdAt: 5,
  };
}

const limits = { maxEntries: 10, maxBytes: 10_000 };

describe('Outbox', () => {
  it('keeps written entries across a crash (object dropped without any close)', () => {
    const dir = tempDir();
    let box: Outbox | null = new Outbox(dir, limits);
    box.add(entry(1));
    box.add(entry(2));
    box = null; // the "crash": no flush, no close; only what add() made durable survives
    const reopened = new Outbox(dir, limits);
    expect(reopened.entries().map((e) => e.seq)).toEqual([1, 2]);
    expect(reopened.get(2)?.envelope).toEqual(entry(2).envelope);
    expect(reopened.maxSeq()).toBe(2);
    expect(reopened.bytes()).toBe(200);
  });

  it('removes committed entries for good', () => {
    const dir = tempDir();
    const box = new Outbox(dir, limits);
    box.add(entry(1));
    box.add(entry(2));
    box.remove(1);
    expect(new Outbox(dir, limits).entries().map((e) => e.seq)).toEqual([2]);
  });

  it('refuses with OUTBOX_FULL past its entry and byte limits, writing nothing', () => {
    const dir = tempDir();
    const box = new Outbox(dir, { maxEntries: 2, maxBytes: 250 });
    box.add(entry(1));
    expect(() => box.add(entry(2, 200))).toThrow(SiteError);
    box.add(entry(2));
    try {
      box.add(entry(3, 1));
      expect.unreachable();
    } catch (err) {
      expect((err as SiteError).code).toBe(SiteErrorCode.OutboxFull);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });

  it('moves an entry whose bytes do not match its tracing code to corrupt/', () => {
    const dir = tempDir();
    new Outbox(dir, limits).add(entry(1));
    const e = entry(2);
    const bad = {
      v: 1,
      seq: 2,
      period: 0,
      part: 0,
      parts: 1,
      tracingCode: e.tracingCode,
      envelope: 'AAAA',
      createdAt: 1,
    };
    writeFileSync(join(dir, '000000000002.json'), JSON.stringify(bad));
    const box = new Outbox(dir, limits);
    expect(box.entries().map((x) => x.seq)).toEqual([1]);
    expect(box.corruptOnOpen).toBe(1);
    expect(existsSync(join(dir, 'corrupt', '000000000002.json'))).toBe(true);
  });

  it('moves a rejected entry aside instead of deleting it', () => {
    const dir = tempDir();
    const box = new Outbox(dir, limits);
    box.add(entry(7));
    box.reject(7);
    expect(box.depth()).toBe(0);
    expect(existsSync(join(dir, 'rejected', '000000000007.json'))).toBe(true);
  });

  it('keeps the sealed record, re-make count and replaced seq across a reopen, counting record bytes', () => {
    const dir = tempDir();
    const record = encodeKpiRecord(kpiRecord);
    new Outbox(dir, limits).add({ ...entry(3), record, remakes: 2, replaces: 1 });
    const e = new Outbox(dir, limits).get(3);
    expect(e?.record).toEqual(record);
    expect(e).toMatchObject({ remakes: 2, replaces: 1 });
    expect(new Outbox(dir, limits).bytes()).toBe(100 + record.length);
  });

  it('moves an entry whose kept record does not decode to corrupt/', () => {
    const dir = tempDir();
    const e = entry(4);
    const body = {
      v: 1,
      seq: 4,
      period: e.period,
      part: 0,
      parts: 1,
      tracingCode: e.tracingCode,
      envelope: Buffer.from(e.envelope).toString('base64'),
      createdAt: 5,
      record: Buffer.from([1, 2, 3]).toString('base64'),
    };
    writeFileSync(join(dir, '000000000004.json'), JSON.stringify(body));
    const box = new Outbox(dir, limits);
    expect(box.depth()).toBe(0);
    expect(box.corruptOnOpen).toBe(1);
  });

  it('replace() checks only bytes against the limits (the count does not grow) and deletes the old entry', () => {
    const dir = tempDir();
    const box = new Outbox(dir, { maxEntries: 1, maxBytes: 250 });
    box.add(entry(1));
    box.replace(1, { ...entry(2, 250), replaces: 1 });
    expect(new Outbox(dir, limits).entries().map((e) => e.seq)).toEqual([2]);
    expect(() => box.replace(2, entry(3, 251))).toThrow('OUTBOX_FULL');
    expect(box.entries().map((e) => e.seq)).toEqual([2]);
  });

  it('on open removes an entry left next to the entry re-made from it (crash inside replace)', () => {
    const dir = tempDir();
    const box = new Outbox(dir, limits);
    box.add(entry(1));
    box.add(entry(2));
    box.add({ ...entry(9), replaces: 1 });
    const reopened = new Outbox(dir, limits);
    expect(reopened.supersededOnOpen).toEqual([[1, 9]]);
    expect(reopened.entries().map((e) => e.seq)).toEqual([2, 9]);
    expect(new Outbox(dir, limits).supersededOnOpen).toEqual([]);
  });
});
