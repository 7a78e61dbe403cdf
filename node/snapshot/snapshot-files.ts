// The snapshots one node keeps on disk (docs/storage.md "Snapshots"): one file per snapshot height
// in <dataDir>/snapshots/, named snap-<height, 16 digits>.bks, holding
//   manifest length u32 | manifest | chunk 0 | ... | chunk 63   (docs/wire-format.md §15.3)
// The manifest gives each chunk's length, hence its offset. A file is written whole under a
// temporary name and renamed (fs-atomic.ts), so a crash never leaves a part; only the newest
// `keep` snapshots stay. Chunks are checked against the manifest when read, so a file damaged on
// disk is reported (CORRUPT) rather than served to a peer that would blame us.
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeSnapshotManifest,
  SNAPSHOT_MANIFEST_BYTES,
  type SnapshotManifest,
} from '../../codec/snapshot.js';
import type { Hash32 } from '../../codec/types.js';
import { type BuiltSnapshot, snapshotHash, verifyChunk } from '../../ledger/snapshot.js';
import { dropTemporaries, writeAtomic } from '../../runtime/fs-atomic.js';
import { SnapshotError, SnapshotErrorCode } from './errors.js';

const NAME = /^snap-(\d{16})\.bks$/;

export interface SnapshotInfo {
  height: number;
  /** SHA-256 of the domain tag and the manifest (ledger/snapshot.ts snapshotHash). */
  hash: Hash32;
  manifest: SnapshotManifest;
  manifestBytes: Uint8Array;
  /** File size. */
  bytes: number;
}

export function snapshotFileName(height: number): string {
  return `snap-${String(height).padStart(16, '0')}.bks`;
}

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export class SnapshotFiles {
  private readonly byHeight = new Map<number, SnapshotInfo>();
  /** Files whose manifest did not decode: left on disk for the operator, never listed or served. */
  readonly unreadable: string[] = [];

  private constructor(
    readonly dir: string,
    private readonly keep: number,
  ) {}

  static async open(dir: string, keep: number): Promise<SnapshotFiles> {
    if (!Number.isInteger(keep) || keep < 1)
      throw new SnapshotError(SnapshotErrorCode.Io, `snapshot keep must be a positive integer, not ${keep}`);
    await mkdir(dir, { recursive: true });
    await dropTemporaries(dir);
    const files = new SnapshotFiles(dir, keep);
    for (const name of (await readdir(dir)).sort()) {
      if (!NAME.test(name)) continue;
      try {
        files.add(await readInfo(join(dir, name)));
      } catch {
        files.unreadable.push(name);
      }
    }
    return files;
  }

  /** Newest first. */
  list(): SnapshotInfo[] {
    return [...this.byHeight.values()].sort((a, b) => b.height - a.height);
  }

  get(height: number): SnapshotInfo | undefined {
    return this.byHeight.get(height);
  }

  private need(height: number): SnapshotInfo {
    const info = this.byHeight.get(height);
    if (info === undefined)
      throw new SnapshotError(SnapshotErrorCode.NotFound, `no snapshot at ${height}`, { height });
    return info;
  }

  /** Writes a snapshot (a height already kept is left as it is), then drops all but the newest `keep`. */
  async write(s: BuiltSnapshot): Promise<SnapshotInfo> {
    const height = s.manifest.height;
    const have = this.byHeight.get(height);
    if (have !== undefined) return have;
    const path = join(this.dir, snapshotFileName(height));
    try {
      await writeAtomic(path, [u32be(s.manifestBytes.length), s.manifestBytes, ...s.chunks]);
    } catch (err) {
      throw new SnapshotError(SnapshotErrorCode.Io, `writing ${path}: ${String(err)}`, { height });
    }
    const info: SnapshotInfo = {
      height,
      hash: s.hash,
      manifest: s.manifest,
      manifestBytes: s.manifestBytes,
      bytes: 4 + s.manifestBytes.length + s.chunks.reduce((n, c) => n + c.length, 0),
    };
    this.add(info);
    for (const old of this.list().slice(this.keep)) {
      this.byHeight.delete(old.height);
      await unlink(join(this.dir, snapshotFileName(old.height))).catch(() => undefined);
    }
    return info;
  }

  /** Chunk `index` of the snapshot at `height`, checked against its manifest. */
  async readChunk(height: number, index: number): Promise<Uint8Array> {
    const info = this.need(height);
    const ref = info.manifest.chunks[index];
    if (ref === undefined)
      throw new SnapshotError(SnapshotErrorCode.NotFound, `no chunk ${index} at ${height}`, {
        height,
        index,
      });
    let offset = 4 + info.manifestBytes.length;
    for (let i = 0; i < index; i++) offset += (info.manifest.chunks[i] as { length: number }).length;
    const bytes = new Uint8Array(ref.length);
    const fh = await open(join(this.dir, snapshotFileName(height)), 'r');
    try {
      const { bytesRead } = await fh.read(bytes, 0, ref.length, offset);
      if (bytesRead !== ref.length) throw new Error(`short read: ${bytesRead} of ${ref.length}`);
    } catch (err) {
      throw new SnapshotError(
        SnapshotErrorCode.Corrupt,
        `snapshot ${height} chunk ${index}: ${String(err)}`,
        {
          height,
          index,
        },
      );
    } finally {
      await fh.close();
    }
    try {
      verifyChunk(info.manifest, index, bytes);
    } catch (err) {
      throw new SnapshotError(
        SnapshotErrorCode.Corrupt,
        `snapshot ${height} chunk ${index}: ${String(err)}`,
        {
          height,
          index,
        },
      );
    }
    return bytes;
  }

  private add(info: SnapshotInfo): void {
    this.byHeight.set(info.height, info);
  }
}

async function readInfo(path: string): Promise<SnapshotInfo> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(4);
    await fh.read(head, 0, 4, 0);
    const n = new DataView(head.buffer).getUint32(0);
    if (n > SNAPSHOT_MANIFEST_BYTES || 4 + n > size) throw new Error('manifest length out of range');
    const manifestBytes = new Uint8Array(n);
    await fh.read(manifestBytes, 0, n, 4);
    const manifest = decodeSnapshotManifest(manifestBytes);
    const total = 4 + n + manifest.chunks.reduce((a, c) => a + c.length, 0);
    if (total !== size) throw new Error(`file is ${size} bytes, manifest says ${total}`);
    return {
      height: manifest.height,
      hash: snapshotHash(manifestBytes),
      manifest,
      manifestBytes,
      bytes: size,
    };
  } finally {
    await fh.close();
  }
}
