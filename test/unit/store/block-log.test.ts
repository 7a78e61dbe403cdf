import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlockLog, type ScannedFrame } from '../../../node/store/block-log.js';
import { StoreErrorCode } from '../../../node/store/index.js';
import { tempDir } from './fixtures.js';

const payload = (h: number, n = 100) => new Uint8Array(n).fill(h);

async function scan(log: BlockLog, from?: { segment: number; offset: number }): Promise<ScannedFrame[]> {
  const out: ScannedFrame[] = [];
  for await (const f of log.recover(from)) out.push(f);
  return out;
}

describe('block log', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('rolls over to a new segment instead of splitting a frame, and reads every payload back', async () => {
    const log = await BlockLog.open(tmp.dir, 400);
    const locs = [];
    for (let h = 1; h <= 7; h++) locs.push(await log.append(h, payload(h)));
    // 148-byte frames: two per 400-byte segment.
    expect(locs.map((l) => l.segment)).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect(locs.map((l) => log.read(l))).toEqual(locs.map((_, i) => payload(i + 1)));
    expect(log.segments()).toEqual([0, 1, 2, 3]);
    expect((await scan(log)).map((f) => f.height)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await scan(log, { segment: 1, offset: 148 })).map((f) => f.height)).toEqual([4, 5, 6, 7]);
    await log.close();
    const again = await BlockLog.open(tmp.dir, 400);
    expect((await again.append(8, payload(8))).segment).toBe(3);
    expect((await again.append(9, payload(9))).segment).toBe(4);
    await again.close();
  });

  it('refuses a block larger than a segment', async () => {
    const log = await BlockLog.open(tmp.dir, 100);
    await expect(log.append(1, payload(1, 60))).rejects.toMatchObject({ code: StoreErrorCode.Oversized });
    await log.close();
  });

  it('reports a bad frame before the last segment as corruption, not a torn tail', async () => {
    const log = await BlockLog.open(tmp.dir, 400);
    for (let h = 1; h <= 4; h++) await log.append(h, payload(h));
    await log.close();
    const first = join(tmp.dir, readdirSync(tmp.dir).sort()[0] as string);
    appendFileSync(first, Uint8Array.of(1, 2, 3));
    const reopened = await BlockLog.open(tmp.dir, 400);
    await expect(scan(reopened)).rejects.toMatchObject({ code: StoreErrorCode.Corrupt });
    await reopened.close();
  });

  it('truncates garbage at the end of the last segment', async () => {
    const log = await BlockLog.open(tmp.dir);
    await log.append(1, payload(1));
    await log.close();
    const seg = join(tmp.dir, readdirSync(tmp.dir)[0] as string);
    appendFileSync(seg, new Uint8Array(70).fill(0x42));
    const reopened = await BlockLog.open(tmp.dir);
    expect((await scan(reopened)).map((f) => f.height)).toEqual([1]);
    expect((await reopened.append(2, payload(2))).offset).toBe(148 + 48);
    expect((await scan(reopened)).map((f) => f.height)).toEqual([1, 2]);
    await reopened.close();
  });
});
