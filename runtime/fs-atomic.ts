// Crash-safe file writes (snapshots, state-sync progress, archive segments): write a temporary file, fdatasync
// it, rename it over the target, fsync the directory. A crash leaves the old file or the new one,
// never a part; leftover temporaries (suffix .tmp) are deleted at the next open.
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const TMP_SUFFIX = '.tmp';

/** fsync of a folder, so that a file created, renamed or unlinked in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Writes `parts` (concatenated) to `path` atomically. */
export async function writeAtomic(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}${TMP_SUFFIX}`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    for (const p of parts) await fh.write(p);
    await fh.datasync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** Deletes the temporaries a crash left in `dir`. */
export async function dropTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir))
    if (name.endsWith(TMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined);
}
