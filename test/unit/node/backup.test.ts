// Backup and restore of a node's data folder (node/backup/node-backup.ts) and of an embedded
// platform database folder (platform/backup.ts): refused while the owner runs, every file hashed
// into the manifest, a damaged archive refused before anything is written, restore only into an
// empty folder, and the restored chain checked and opened again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeBackup, restoreNodeBackup, verifyNodeBackup } from '../../../node/backup/node-backup.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { StoreErrorCode } from '../../../node/store/index.js';
import { createPlatformBackup, restorePlatformBackup } from '../../../platform/backup.js';
import { isEmptyDir, listFiles } from '../../../runtime/dir-backup.js';
import { tempDir, testChain, uploadChain } from '../store/fixtures.js';

const chain = testChain();
const id = chain.genesis.chainId;
const N = 12;
const blocks = uploadChain(chain, N);

describe('node backup and restore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let archive: string;
  beforeEach(async () => {
    tmp = tempDir();
    data = join(tmp.dir, 'node');
    archive = join(tmp.dir, 'node.tar.gz');
    const l = await PersistedLedger.open(data, chain.genesis, { segmentBytes: 3000 });
    for (const b of blocks) await l.commit(b.bytes, b.decoded);
    // Pruned bodies stay pruned in the copy; headers and proofs come along.
    while ((await l.store.pruneStep(6)).segment !== undefined);
    await l.close();
  });
  afterEach(() => tmp.cleanup());

  it('backs up a stopped node, verifies, restores and reopens the same chain', async () => {
    const m = await createNodeBackup(data, archive);
    expect(m.meta).toMatchObject({ chainId: Buffer.from(id).toString('hex'), tip: N });
    expect(m.files.map((f) => f.name)).toContain('wal/consensus.wal');
    expect(m.files.some((f) => f.name.startsWith('index/'))).toBe(true);
    expect(m.files.some((f) => f.name === 'index/LOCK')).toBe(false);
    expect((await verifyNodeBackup(archive)).ok).toBe(true);
    const target = join(tmp.dir, 'restored');
    const r = await restoreNodeBackup(archive, target);
    expect(r.chain.tip).toBe(N);
    expect(r.chain.earliestHeight).toBeGreaterThan(1);
    expect(r.chain.bodies).toBe(N - r.chain.earliestHeight + 1);
    const l = await PersistedLedger.open(target, chain.genesis);
    try {
      expect(l.tip()?.height).toBe(N);
      expect(l.store.earliestHeight()).toBe(r.chain.earliestHeight);
      expect(await l.store.getBlock(N)).toEqual(blocks[N - 1]!.bytes);
      await expect(l.store.getBlock(1)).rejects.toMatchObject({ code: StoreErrorCode.Pruned });
    } finally {
      await l.close();
    }
  });

  it('refuses a folder that is not a node data folder, creating nothing in it', async () => {
    const nope = join(tmp.dir, 'nope');
    await expect(createNodeBackup(nope, archive)).rejects.toThrow(/not a node data folder/);
    expect(isEmptyDir(nope)).toBe(true);
  });

  it('refuses to back up a running node', async () => {
    const l = await PersistedLedger.open(data, chain.genesis);
    try {
      await expect(createNodeBackup(data, archive)).rejects.toThrow(/needs a stopped node/);
    } finally {
      await l.close();
    }
  });

  it('refuses a non-empty target and a damaged archive, writing nothing', async () => {
    await createNodeBackup(data, archive);
    const full = join(tmp.dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'x'), 'x');
    await expect(restoreNodeBackup(archive, full)).rejects.toThrow(/not empty/);
    const bytes = readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    const bad = join(tmp.dir, 'bad.tar.gz');
    writeFileSync(bad, bytes);
    expect((await verifyNodeBackup(bad)).ok).toBe(false);
    const target = join(tmp.dir, 'target');
    await expect(restoreNodeBackup(bad, target)).rejects.toThrow(/does not verify/);
    expect(isEmptyDir(target)).toBe(true);
  });
});

describe('platform database backup', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('copies the folder while holding its lock, refused while a platform holds it', async () => {
    const dir = join(tmp.dir, 'platform');
    mkdirSync(join(dir, 'pgdata', 'base'), { recursive: true });
    writeFileSync(join(dir, 'pgdata', 'base', '1'), 'rows');
    writeFileSync(join(dir, 'pgdata', 'PG_VERSION'), '16');
    writeFileSync(join(dir, 'lock'), String(process.pid));
    const out = join(tmp.dir, 'p.tar.gz');
    await expect(createPlatformBackup(dir, out)).rejects.toThrow(/in use by process/);
    // A lock left by a process that no longer runs is taken over, as the platform itself does.
    writeFileSync(join(dir, 'lock'), '999999999');
    const m = await createPlatformBackup(dir, out);
    expect(m.files.map((f) => f.name)).toEqual(['pgdata/PG_VERSION', 'pgdata/base/1']);
    const target = join(tmp.dir, 'restored');
    await restorePlatformBackup(out, target);
    expect(listFiles(target).map((f) => f.name)).toEqual(['pgdata/PG_VERSION', 'pgdata/base/1']);
    expect(readFileSync(join(target, 'pgdata', 'base', '1'), 'utf8')).toBe('rows');
    // A node archive is not a platform one.
    await expect(restoreNodeBackup(out, join(tmp.dir, 'n'))).rejects.toThrow(/kind/);
  });
});
