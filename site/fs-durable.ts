// Durable file primitives for the site's on-disk state. Everything the site promises ("a crash
// loses no collected reading", "an envelope is on disk before upload") rests on these: data is
// fsynced before it is acknowledged, and whole-file replacements go through temp + rename with
// the directory fsynced so the rename itself survives a power cut.
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** fsyncs a directory so that creations, renames and unlinks inside it are durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically: temp file, fsync, rename, fsync of the directory. The file
 * ends with exactly `mode`, whatever the umask or a temp file a crash left behind had.
 */
export function writeFileDurable(path: string, data: Uint8Array | string, mode = 0o600): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    // `mode` applies only when open creates the file: a leftover temp file keeps its own.
    fchmodSync(fd, mode);
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** Appends `data` to `path` (created if missing) and fsyncs it before returning. */
export function appendDurable(path: string, data: string): void {
  const fd = openSync(path, 'a', 0o600);
  try {
    writeAll(fd, Buffer.from(data, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes a file if present, durably. Returns whether it existed. */
export function removeDurable(path: string): boolean {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  fsyncDir(dirname(path));
  return true;
}

function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
