// Backup of a RUNNING node's store (node/backup/live-backup.ts, node/store/snapshot-copy.ts): the
// ledger keeps committing while the backup runs; the archive is the chain at one height between
// the tips before and after it, `backup verify` and `backup restore` (chain check included) take
// it, the restored folder opens at that height and catches up with the rest of the blocks to the
// same tip hash and state root. Pruning is held off while the backup holds the store.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveNodeBackup } from '../../../node/backup/live-backup.js';
import { restoreNodeBackup, verifyNodeBackup } from '../../../node/backup/node-backup.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { tempDir, testChain, uploadChain } from '../store/fixtures.js';

const chain = testChain();
const id = chain.genesis.chainId;
const N = 160;
const BEFORE = 60;
const blocks = uploadChain(chain, N);

describe('backup of a running node', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let ledger: PersistedLedger;
  beforeEach(async () => {
    tmp = tempDir();
    data = join(tmp.dir, 'node');
    ledger = await PersistedLedger.open(data, chain.genesis, { segmentBytes: 3000 });
    for (const b of blocks.slice(0, BEFORE)) await ledger.commit(b.bytes, b.decoded);
    while ((await ledger.store.pruneStep(10)).segment !== undefined);
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  it('backs up at one height while blocks commit, restores, reopens and catches up', async () => {
    const archive = join(tmp.dir, 'live.tar.gz');
    const tipBefore = ledger.tip()?.height ?? 0;
    let backingUp = true;
    let committedDuring = 0;
    const phases = new Set<string>();
    const commits = (async () => {
      for (const b of blocks.slice(BEFORE)) {
        await ledger.commit(b.bytes, b.decoded);
        if (backingUp) committedDuring++;
      }
    })();
    const r = await createLiveNodeBackup(ledger.store, data, archive, (p) => phases.add(p.phase));
    backingUp = false;
    const tipAfter = ledger.tip()?.height ?? 0;
    await commits;

    expect(committedDuring).toBeGreaterThan(0);
    expect(r.copy.tip).toBeGreaterThanOrEqual(tipBefore);
    expect(r.copy.tip).toBeLessThanOrEqual(tipAfter);
    expect(r.copy.earliestHeight).toBeGreaterThan(1);
    expect(r.manifest.meta).toMatchObject({ chainId: Buffer.from(id).toString('hex'), tip: r.copy.tip });
    expect([...phases]).toEqual(['index', 'blocks', 'archive']);
    expect(r.manifest.files.map((f) => f.name)).toContain('wal/consensus.wal');
    expect(r.manifest.files.some((f) => f.name === 'index/LOCK')).toBe(false);
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    // No staging folder or temporary file left next to the archive.
    expect(readdirSync(tmp.dir).sort()).toEqual(['live.tar.gz', 'node']);
    expect((await verifyNodeBackup(archive)).ok).toBe(true);

    const target = join(tmp.dir, 'restored');
    const restored = await restoreNodeBackup(archive, target);
    expect(restored.chain.tip).toBe(r.copy.tip);
    expect(restored.chain.bodies).toBe(r.copy.tip - r.copy.earliestHeight + 1);
    const copy = await PersistedLedger.open(target, chain.genesis, { segmentBytes: 3000 });
    try {
      // Opened at the backup's height: nothing past it came along, not even a block-log tail.
      expect(copy.store.lastRecovery.reindexed).toBe(0);
      expect(copy.tip()?.height).toBe(r.copy.tip);
      expect(await copy.store.getBlock(r.copy.tip)).toEqual(blocks[r.copy.tip - 1]!.bytes);
      for (const b of blocks.slice(r.copy.tip)) await copy.commit(b.bytes, b.decoded);
      expect(copy.tip()?.height).toBe(N);
      expect(copy.tip()?.hash).toEqual(ledger.tip()?.hash);
      expect(copy.tip()?.stateRoot).toEqual(ledger.tip()?.stateRoot);
    } finally {
      await copy.close();
    }
  });

  it('holds pruning off while held, and prunes again once released', async () => {
    for (const b of blocks.slice(BEFORE)) await ledger.commit(b.bytes, b.decoded);
    const release = await ledger.store.holdPruning();
    const before = ledger.store.log.segments();
    expect((await ledger.store.pruneStep(N)).segment).toBeUndefined();
    expect(ledger.store.log.segments()).toEqual(before);
    release();
    release();
    expect((await ledger.store.pruneStep(N)).segment).toBe(before[0]);
  });

  it('refuses a relative path, another extension or an existing file, before any work', async () => {
    const existing = join(tmp.dir, 'node', 'cursor.key');
    await expect(createLiveNodeBackup(ledger.store, data, 'x.tar.gz')).rejects.toThrow(/not absolute/);
    await expect(createLiveNodeBackup(ledger.store, data, join(tmp.dir, 'x.zip'))).rejects.toThrow(
      /\.tar\.gz/,
    );
    await expect(createLiveNodeBackup(ledger.store, data, `${existing}.tar.gz`)).resolves.toBeDefined();
    await expect(createLiveNodeBackup(ledger.store, data, `${existing}.tar.gz`)).rejects.toThrow(
      /exists: refusing/,
    );
    await expect(
      createLiveNodeBackup(ledger.store, data, join(tmp.dir, 'absent', 'x.tar.gz')),
    ).rejects.toThrow(/does not exist/);
    expect(existsSync(join(tmp.dir, 'absent'))).toBe(false);
  });

  it('refuses a store without a block, leaving nothing behind', async () => {
    const emptyDir = join(tmp.dir, 'empty');
    const empty = await PersistedLedger.open(emptyDir, chain.genesis);
    try {
      const out = join(tmp.dir, 'empty.tar.gz');
      await expect(createLiveNodeBackup(empty.store, emptyDir, out)).rejects.toThrow(/no block yet/);
      expect(readdirSync(tmp.dir).sort()).toEqual(['empty', 'node']);
    } finally {
      await empty.close();
    }
  });
});
