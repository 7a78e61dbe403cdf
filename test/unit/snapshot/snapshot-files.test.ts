import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../ledger/snapshot.js';
import { ContractState } from '../../../ledger/state.js';
import { SnapshotError } from '../../../node/snapshot/errors.js';
import { SnapshotFiles, snapshotFileName } from '../../../node/snapshot/snapshot-files.js';
import { Snapshotter } from '../../../node/snapshot/snapshotter.js';
import { silentLogger } from '../../../runtime/log.js';
import { divergentSnapshotEntries } from '../../../testkit/byzantine.js';

const chainId = new Uint8Array(32).fill(1);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function stateAt(h: number): ContractState {
  const s = new ContractState();
  for (let i = 0; i < 50; i++) s.put(`site/${i}`, { h, i });
  s.flush();
  return s;
}
const snapAt = (h: number) =>
  buildSnapshot(stateAt(h).entries(), { chainId, height: h, blockHash: new Uint8Array(32).fill(h) });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bkdms-snap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('snapshot files', () => {
  it('writes, lists newest first, keeps the last N and reads back every chunk after a reopen', async () => {
    const files = await SnapshotFiles.open(dir, 2);
    for (const h of [10, 20, 30]) await files.write(snapAt(h));
    expect(files.list().map((s) => s.height)).toEqual([30, 20]);
    expect((await readdir(dir)).sort()).toEqual([snapshotFileName(20), snapshotFileName(30)]);
    const again = await SnapshotFiles.open(dir, 2);
    const info = again.get(30);
    expect(info && hex(info.hash)).toBe(hex(snapAt(30).hash));
    const built = snapAt(30);
    for (let i = 0; i < built.chunks.length; i++)
      expect(hex(await again.readChunk(30, i))).toBe(hex(built.chunks[i] as Uint8Array));
  });

  it('drops a temporary a crash left and lists a damaged file as unreadable, never serving it', async () => {
    await writeFile(join(dir, `${snapshotFileName(40)}.tmp`), 'partial');
    await writeFile(join(dir, snapshotFileName(50)), new Uint8Array(10));
    const files = await SnapshotFiles.open(dir, 3);
    expect(await readdir(dir)).not.toContain(`${snapshotFileName(40)}.tmp`);
    expect(files.unreadable).toEqual([snapshotFileName(50)]);
    expect(files.list()).toEqual([]);
  });

  it('reports a chunk damaged on disk as CORRUPT', async () => {
    const files = await SnapshotFiles.open(dir, 1);
    const built = snapAt(60);
    await files.write(built);
    const path = join(dir, snapshotFileName(60));
    const bytes = new Uint8Array(await readFile(path));
    const i = built.chunks.findIndex((c) => c.length > 3 + 64 * 4);
    let off = 4 + built.manifestBytes.length;
    for (let j = 0; j < i; j++) off += (built.chunks[j] as Uint8Array).length;
    const at = off + (built.chunks[i] as Uint8Array).length - 1;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    await writeFile(path, bytes);
    const err = await files.readChunk(60, i).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as SnapshotError).code).toBe('CORRUPT');
    await expect(files.readChunk(70, 0)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('snapshotter', () => {
  it('snapshots exactly the heights that are multiples of the interval in force', async () => {
    const files = await SnapshotFiles.open(dir, 10);
    let state = stateAt(0);
    const s = new Snapshotter({
      files,
      chainId,
      intervalAt: (h) => (h <= 6 ? 3 : 5),
      entries: () => state.entries(),
      storedRoot: async () => state.root(),
      log: silentLogger,
    });
    for (let h = 1; h <= 10; h++) {
      state = stateAt(h);
      s.committed(h, new Uint8Array(32).fill(h));
      await s.idle();
    }
    expect(files.list().map((x) => x.height)).toEqual([10, 6, 3]);
    expect(hex((files.get(6) as { manifest: { stateRoot: Uint8Array } }).manifest.stateRoot)).toBe(
      hex(stateAt(6).root()),
    );
  });

  it('writes nothing when the captured state disagrees with the stored root', async () => {
    const files = await SnapshotFiles.open(dir, 10);
    const s = new Snapshotter({
      files,
      chainId,
      intervalAt: () => 1,
      entries: () => stateAt(1).entries(),
      storedRoot: async () => stateAt(2).root(),
      log: silentLogger,
    });
    s.committed(1, new Uint8Array(32));
    await s.idle();
    expect(files.list()).toEqual([]);
    expect(s.counts.failed).toBe(1);
  });

  it('test kit: a falsified snapshot passes the root check of the real state, then differs in hash', async () => {
    const honest = await SnapshotFiles.open(join(dir, 'honest'), 10);
    const lying = await SnapshotFiles.open(join(dir, 'lying'), 10);
    const deps = {
      chainId,
      intervalAt: () => 1,
      entries: () => stateAt(1).entries(),
      storedRoot: async () => stateAt(1).root(),
      log: silentLogger,
    };
    const a = new Snapshotter({ ...deps, files: honest });
    const b = new Snapshotter({ ...deps, files: lying, falsify: divergentSnapshotEntries });
    for (const s of [a, b]) {
      s.committed(1, new Uint8Array(32));
      await s.idle();
    }
    expect(b.counts.written).toBe(1);
    expect(hex(lying.list()[0]!.hash)).not.toBe(hex(honest.list()[0]!.hash));
  });
});
