// The archive both backups write (log-backup.ts, dir-backup.ts): a gzip'd ustar of files, each
// read up to the size it had when listed, followed by a manifest naming every file with its size
// and SHA-256. Written to a temporary file and renamed once complete, so a failed or interrupted
// backup never leaves a half archive under the requested name.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { RuntimeError, RuntimeErrorCode } from './errors.js';
import { tarEnd, tarHeader, tarPadding } from './tar.js';

/** The manifest's name inside the archive, its last member. */
export const MANIFEST = 'manifest.json';

export interface ManifestEntry {
  name: string;
  size: number;
  sha256: string;
}

export interface ArchivedFile {
  /** Name inside the archive. */
  name: string;
  path: string;
  /** Bytes archived: the size when listed (a file still being written may have grown since). */
  size: number;
  mtimeMs: number;
}

export async function writeManifestArchive<M extends { files: ManifestEntry[] }>(
  out: string,
  files: readonly ArchivedFile[],
  manifest: M,
  opts: { mode: number; now: number; onBytes?: (n: number) => void },
): Promise<M> {
  async function* archive(): AsyncGenerator<Buffer> {
    for (const f of files) {
      const hash = createHash('sha256');
      yield tarHeader(f.name, f.size, f.mtimeMs);
      let read = 0;
      if (f.size > 0)
        for await (const chunk of createReadStream(f.path, { end: f.size - 1 }) as AsyncIterable<Buffer>) {
          hash.update(chunk);
          read += chunk.length;
          opts.onBytes?.(chunk.length);
          yield chunk;
        }
      if (read !== f.size)
        throw new RuntimeError(RuntimeErrorCode.BadConfig, `${f.name} shrank while backed up`);
      yield tarPadding(f.size);
      manifest.files.push({ name: f.name, size: f.size, sha256: hash.digest('hex') });
    }
    const m = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    yield tarHeader(MANIFEST, m.length, opts.now);
    yield m;
    yield tarPadding(m.length);
    yield tarEnd();
  }
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await pipeline(Readable.from(archive()), createGzip(), createWriteStream(tmp, { mode: opts.mode }));
    await rename(tmp, out);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return manifest;
}
