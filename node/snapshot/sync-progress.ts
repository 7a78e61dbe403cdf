// What an interrupted state sync leaves to resume from, in <dataDir>/statesync/: the manifest it
// verified (manifest.bin) and each chunk it verified (chunk-<index>.bin), every file written
// atomically. Nothing here is trusted on reload: the manifest is verified again against a freshly
// verified header, and each chunk again against the manifest (a damaged file is fetched anew).
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSnapshotManifest, type SnapshotManifest } from '../../codec/snapshot.js';
import { snapshotHash, verifyChunk } from '../../ledger/snapshot.js';
import { dropTemporaries, writeAtomic } from '../../runtime/fs-atomic.js';

const CHUNK = /^chunk-(\d{2})\.bin$/;

export interface SavedSync {
  manifest: SnapshotManifest;
  hash: Uint8Array;
  /** Entries of each chunk that still checks out, by index. */
  chunks: Map<number, [string, Uint8Array][]>;
}

export class SyncProgress {
  constructor(readonly dir: string) {}

  /** The saved attempt, or undefined when there is none (or its manifest is unreadable). */
  async load(): Promise<SavedSync | undefined> {
    await mkdir(this.dir, { recursive: true });
    await dropTemporaries(this.dir);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(this.dir, 'manifest.bin')));
    } catch {
      return undefined;
    }
    let manifest: SnapshotManifest;
    try {
      manifest = decodeSnapshotManifest(bytes);
    } catch {
      await this.clear();
      return undefined;
    }
    const chunks = new Map<number, [string, Uint8Array][]>();
    for (const name of await readdir(this.dir)) {
      const m = CHUNK.exec(name);
      if (m === null) continue;
      const index = Number(m[1]);
      try {
        chunks.set(index, verifyChunk(manifest, index, new Uint8Array(await readFile(join(this.dir, name)))));
      } catch {
        // Damaged or from another manifest: fetched again.
      }
    }
    return { manifest, hash: snapshotHash(bytes), chunks };
  }

  /** Starts a new attempt: drops anything saved, then saves the verified manifest. */
  async begin(manifestBytes: Uint8Array): Promise<void> {
    await this.clear();
    await mkdir(this.dir, { recursive: true });
    await writeAtomic(join(this.dir, 'manifest.bin'), [manifestBytes]);
  }

  async saveChunk(index: number, bytes: Uint8Array): Promise<void> {
    await writeAtomic(join(this.dir, `chunk-${String(index).padStart(2, '0')}.bin`), [bytes]);
  }

  /** Deletes the attempt (done, or restarted). */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
