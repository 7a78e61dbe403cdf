// Retention (node/retention.ts) and the background pruner (node/pruner.ts): the retain height from
// the policy and the holds, the operator's holds file, a follower's hold, and one pruning run that
// reports what it deleted in the log and the metrics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Followers } from '../../../node/followers.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { Pruner } from '../../../node/pruner.js';
import {
  clearHold,
  firstHeightSince,
  HOLDS_FILE,
  parseDuration,
  readHolds,
  retainHeight,
  retainSchema,
  setHold,
} from '../../../node/retention.js';
import { MemoryDb, StoreErrorCode } from '../../../node/store/index.js';
import { createLogs } from '../../../runtime/log.js';
import { certifiedBlock, type TestChain, tempDir, testChain, upload } from '../store/fixtures.js';

describe('retain height', () => {
  it('is 1 (prune nothing) without a policy, whatever the holds', () => {
    expect(retainHeight({ tip: 100, holds: [] })).toBe(1);
    expect(retainHeight({ tip: 100, holds: [50] })).toBe(1);
  });

  it('keeps the last N blocks', () => {
    expect(retainHeight({ tip: 100, blocks: 10, holds: [] })).toBe(91);
    expect(retainHeight({ tip: 5, blocks: 10, holds: [] })).toBe(1);
  });

  it('keeps the more of blocks and age, and never more than the holds allow', () => {
    expect(retainHeight({ tip: 100, blocks: 10, ageHeight: 80, holds: [] })).toBe(80);
    expect(retainHeight({ tip: 100, blocks: 10, ageHeight: 95, holds: [] })).toBe(91);
    expect(retainHeight({ tip: 100, blocks: 10, holds: [40, 70] })).toBe(40);
    // A hold above the policy changes nothing; the tip itself is always kept.
    expect(retainHeight({ tip: 100, blocks: 10, holds: [99] })).toBe(91);
    expect(retainHeight({ tip: 100, ageHeight: 101, holds: [] })).toBe(100);
  });

  it('finds the first height at or after a time by binary search', async () => {
    const times = [0, 10, 20, 20, 30, 40];
    const at = (t: number) => firstHeightSince(1, 5, t, async (h) => times[h]!);
    expect(await at(0)).toBe(1);
    expect(await at(20)).toBe(2);
    expect(await at(21)).toBe(4);
    expect(await at(41)).toBe(6);
  });

  it('parses durations and refuses others', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('0d')).toBeUndefined();
    expect(parseDuration('1w')).toBeUndefined();
    expect(parseDuration('-1d')).toBeUndefined();
  });
});

describe('retain config', () => {
  it('takes blocks and an age, with defaults for the pacing', () => {
    expect(retainSchema.parse({ blocks: 1000, age: '30d' })).toEqual({
      blocks: 1000,
      age: '30d',
      intervalMs: 60_000,
      stepsPerRun: 8,
    });
  });

  it('refuses a bad age, a zero count and an unknown field, naming the field', () => {
    expect(retainSchema.safeParse({ age: '30 days' }).error?.issues[0]?.message).toMatch(/duration like 90d/);
    expect(retainSchema.safeParse({ blocks: 0 }).success).toBe(false);
    expect(retainSchema.safeParse({ keep: 5 }).success).toBe(false);
  });
});

describe('prune holds file', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('sets, moves and clears named holds', async () => {
    expect(readHolds(tmp.dir)).toEqual([]);
    await setHold(tmp.dir, { name: 'platform', height: 10, setAt: 't', note: '' });
    await setHold(tmp.dir, { name: 'audit', height: 5, setAt: 't', note: 'inquiry' });
    await setHold(tmp.dir, { name: 'platform', height: 12, setAt: 't', note: '' });
    expect(readHolds(tmp.dir).map((h) => [h.name, h.height])).toEqual([
      ['audit', 5],
      ['platform', 12],
    ]);
    expect(await clearHold(tmp.dir, 'audit')).toBe(true);
    expect(await clearHold(tmp.dir, 'audit')).toBe(false);
    expect(readHolds(tmp.dir).map((h) => h.name)).toEqual(['platform']);
  });

  it('refuses a damaged file rather than pruning as if it held nothing', () => {
    writeFileSync(
      join(tmp.dir, HOLDS_FILE),
      JSON.stringify({ version: 1, holds: [{ name: 'x', height: 0 }] }),
    );
    expect(() => readHolds(tmp.dir)).toThrow(/prune-holds.json/);
  });
});

describe('background pruner', () => {
  const chain: TestChain = testChain();
  const id = chain.genesis.chainId;
  const N = 20;
  let tmp: ReturnType<typeof tempDir>;
  let l: PersistedLedger;
  const lines: string[] = [];
  const log = createLogs({ spec: 'info', destination: { write: (s: string) => lines.push(s) } }).logger(
    'store',
  );

  beforeEach(async () => {
    tmp = tempDir();
    lines.length = 0;
    l = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb(), segmentBytes: 3000 });
    for (let h = 1; h <= N; h++) {
      const b = certifiedBlock(chain, h, [upload(id, chain.sites[0]!, h, h)], { time: h * 1000 });
      await l.commit(b.bytes, b.decoded);
    }
  });
  afterEach(async () => {
    await l.close();
    tmp.cleanup();
  });

  function pruner(retain: { blocks?: number; age?: string }, followers?: Followers, registry?: Registry) {
    return new Pruner({
      store: l.store,
      dataDir: tmp.dir,
      retain: { intervalMs: 60_000, stepsPerRun: 100, ...retain },
      followers,
      log,
      registry,
      now: () => N * 1000,
    });
  }

  it('prunes to the policy, logs each segment and counts it in metrics', async () => {
    const registry = new Registry();
    const run = await pruner({ blocks: 5 }, undefined, registry).runOnce();
    expect(run.retainHeight).toBe(N - 4);
    expect(run.segments).toBeGreaterThan(0);
    expect(run.earliestHeight).toBeLessThanOrEqual(N - 4);
    expect(run.earliestHeight).toBe(l.store.earliestHeight());
    await expect(l.store.getBlock(1)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    expect(lines.filter((s) => s.includes('"store.pruned"'))).toHaveLength(run.segments);
    const text = await registry.metrics();
    expect(text).toContain(`bkdms_store_pruned_segments_total ${run.segments}`);
    expect(text).toContain(`bkdms_store_earliest_height ${run.earliestHeight}`);
  });

  it('by age keeps the blocks younger than the duration', async () => {
    // now = 20 s, age 10 s: blocks with time ≥ 10 s (heights 10..20) stay.
    const p = pruner({ age: '10s' });
    expect(await p.retainHeight()).toBe(10);
    await p.runOnce();
    expect(l.store.earliestHeight()).toBeLessThanOrEqual(10);
    expect(await l.store.getBlock(10)).toBeDefined();
  });

  it("an operator's hold and an open subscription each hold pruning back", async () => {
    await setHold(tmp.dir, { name: 'inquiry', height: 3, setAt: 't', note: '' });
    const followers = new Followers();
    const held = pruner({ blocks: 2 }, followers);
    expect(await held.retainHeight()).toBe(3);
    await clearHold(tmp.dir, 'inquiry');
    const f = followers.follow(7);
    expect(await held.retainHeight()).toBe(7);
    f.close();
    expect(await held.retainHeight()).toBe(N - 1);
  });

  it('does nothing without a policy', async () => {
    const p = pruner({});
    expect(p.enabled).toBe(false);
    expect((await p.runOnce()).segments).toBe(0);
    expect(await l.store.getBlock(1)).toBeDefined();
  });
});
