// The platform in e2e manifests: the `platform` field (e2e/manifest.ts) and the invariant checked
// at the end of a run (e2e/platform-check.ts): every committed upload stored exactly once, at the
// chain's place, and opened; each way of breaking it is named.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2EError } from '../../../e2e/errors.js';
import { parseManifest, readManifest } from '../../../e2e/manifest.js';
import {
  type ChainUpload,
  checkPlatformRecords,
  describePlatformCheck,
  type StoredUpload,
} from '../../../e2e/platform-check.js';

const up = (tc: string, height: number, index: number, offset = 100 + index * 50): ChainUpload => ({
  tracingCode: tc,
  height,
  index,
  offset,
  length: 40,
});
const stored = (u: ChainUpload, over: Partial<StoredUpload> = {}): StoredUpload => ({
  tracingCode: u.tracingCode,
  height: u.height,
  index: u.index,
  data: { height: u.height, index: u.index, offset: u.offset, length: u.length },
  ...over,
});

const chain = [up('aa', 1, 0), up('bb', 1, 1), up('cc', 3, 0)];

describe('manifest field platform', () => {
  it('is absent by default and takes its catch-up bound and database', () => {
    expect(parseManifest({ name: 'plain' }).platform).toBeUndefined();
    expect(parseManifest({ name: 'p', platform: {} }).platform).toEqual({
      catchUpMs: 60_000,
      store: 'pglite',
    });
    expect(parseManifest({ name: 'p', platform: { catchUpMs: 5_000, store: 'server' } }).platform).toEqual({
      catchUpMs: 5_000,
      store: 'server',
    });
  });

  it('refuses unknown fields and bad bounds', () => {
    expect(() => parseManifest({ name: 'p', platform: { kill: true } })).toThrow(E2EError);
    expect(() => parseManifest({ name: 'p', platform: { catchUpMs: -1 } })).toThrow(/platform\.catchUpMs/);
  });

  it('the repository has a manifest that runs it', () => {
    const m = readManifest(join(import.meta.dirname, '../../../e2e/manifests/platform-kill.json'));
    expect(m.platform).toBeDefined();
    expect(m.perturbations.length).toBeGreaterThan(0);
  });
});

describe('checkPlatformRecords', () => {
  it('passes when every upload is stored once, in place, opened', () => {
    const r = checkPlatformRecords(
      chain,
      chain.map((u) => stored(u)),
    );
    expect(r.ok).toBe(true);
    expect(r.counts).toEqual({ committed: 3, stored: 3, opened: 3 });
    expect(describePlatformCheck(r)).toEqual(['platform: 3 uploads committed, 3 stored, 3 opened']);
  });

  it('names a missed upload', () => {
    const r = checkPlatformRecords(chain, [stored(chain[0]!), stored(chain[2]!)]);
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual(['bb']);
    expect(describePlatformCheck(r)[1]).toBe('platform missed 1 (bb)');
  });

  it('names an upload stored twice', () => {
    const r = checkPlatformRecords(chain, [...chain.map((u) => stored(u)), stored(chain[1]!)]);
    expect(r.ok).toBe(false);
    expect(r.duplicated).toEqual([{ tracingCode: 'bb', count: 2 }]);
    expect(r.missing).toEqual([]);
  });

  it('names a stored packet the chain does not hold', () => {
    const r = checkPlatformRecords(chain, [...chain.map((u) => stored(u)), stored(up('dd', 4, 0))]);
    expect(r.ok).toBe(false);
    expect(r.unexpected).toEqual(['dd']);
  });

  it('names a record at another place than the chain holds it: metadata or storage record', () => {
    const moved = checkPlatformRecords(chain, [
      stored(chain[0]!, { height: 2 }),
      stored(chain[1]!),
      stored(chain[2]!),
    ]);
    expect(moved.ok).toBe(false);
    expect(moved.misplaced).toEqual([
      { tracingCode: 'aa', chain: '1/0@100+40', stored: '2/0@100+40 (record 1/0@100+40)' },
    ]);
    const wrongRange = checkPlatformRecords(chain, [
      stored(chain[0]!),
      stored(chain[1]!, { data: { height: 1, index: 1, offset: 151, length: 40 } }),
      stored(chain[2]!),
    ]);
    expect(wrongRange.ok).toBe(false);
    expect(wrongRange.misplaced.map((m) => m.tracingCode)).toEqual(['bb']);
  });

  it('names a packet it could not open', () => {
    const r = checkPlatformRecords(chain, [
      stored(chain[0]!),
      stored(chain[1]!, { failure: 'UNKNOWN_KEY' }),
      stored(chain[2]!),
    ]);
    expect(r.ok).toBe(false);
    expect(r.counts.opened).toBe(2);
    expect(r.failed).toEqual([{ tracingCode: 'bb', reason: 'UNKNOWN_KEY' }]);
    expect(describePlatformCheck(r)).toContain(
      'platform could not open 1 ({"tracingCode":"bb","reason":"UNKNOWN_KEY"})',
    );
  });

  it('an empty chain and an empty platform agree', () => {
    expect(checkPlatformRecords([], []).ok).toBe(true);
  });
});
