// Backup of a whole data folder (a node's, an embedded platform database's): one tar.gz of every
// regular file under it, and last a manifest (kind, figures the caller adds, name, size and SHA-256
// of each file); restore checks the archive against its manifest before writing a byte, writes
// only into an empty folder, and re-checks each file as written. Streams: bounded memory.
// Whether the folder may be copied (its owner stopped) is the caller's business.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { RuntimeError, RuntimeErrorCode } from './errors.js';
import { type ManifestEntry, verifyBackup } from './log-backup.js';
import { writeManifestArchive } from './manifest-archive.js';
import { readTar } from './tar.js';

export interface DirManifest {
  version: 1;
  kind: string;
  createdAt: string;
  /** What the caller records about the folder (a node: chain ID, tip, earliest height). */
  meta: Record<string, string | number>;
  files: ManifestEntry[];
}

/** Bytes done of bytes total, for a progress line. */
export type Progress = (done: number, total: number) => void;

interface Listed {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Regular files under `dir`, names relative with '/', sorted; `skip` by name. */
export function listFiles(dir: string, skip: (name: string) => boolean = () => false): Listed[] {
  const out: Listed[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) {
        const name = relative(dir, path).split(sep).join('/');
        if (skip(name)) continue;
        const st = statSync(path);
        out.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Writes the archive `out` (through a temporary file, renamed once complete, mode 0600). */
export async function backupDir(
  dir: string,
  out: string,
  opts: { kind: string; meta: DirManifest['meta']; skip?: (name: string) => boolean; progress?: Progress },
  now: number = Date.now(),
): Promise<DirManifest> {
  const files = listFiles(dir, opts.skip);
  const total = files.reduce((n, f) => n + f.size, 0);
  const manifest: DirManifest = {
    version: 1,
    kind: opts.kind,
    createdAt: new Date(now).toISOString(),
    meta: opts.meta,
    files: [],
  };
  let done = 0;
  const onBytes = (n: number): void => {
    done += n;
    opts.progress?.(done, total);
  };
  return writeManifestArchive(out, files, manifest, { mode: 0o600, now, onBytes });
}

export interface DirVerifyResult {
  ok: boolean;
  manifest: DirManifest | undefined;
  problems: string[];
}

/** Checks every file of the archive against its manifest, and the manifest's kind. */
export async function verifyDirBackup(path: string, kind: string): Promise<DirVerifyResult> {
  const r = await verifyBackup(path);
  const manifest = r.manifest as unknown as DirManifest | undefined;
  const problems = [...r.problems];
  if (manifest !== undefined && manifest.kind !== kind)
    problems.push(`archive kind is ${String(manifest.kind)}, expected ${kind}`);
  for (const f of manifest?.files ?? []) if (!safeName(f.name)) problems.push(`${f.name}: unsafe file name`);
  return { ok: problems.length === 0, manifest, problems };
}

function safeName(name: string): boolean {
  return name.length > 0 && !name.startsWith('/') && !name.split('/').some((p) => p === '..' || p === '');
}

/** True when `dir` does not exist or holds nothing. */
export function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * Restores an archive into `target` (absent or empty, else refused): verified first, then written,
 * each file hashed again as written. On any failure what was written is removed.
 */
export async function restoreDir(
  path: string,
  target: string,
  kind: string,
  progress?: Progress,
): Promise<DirManifest> {
  if (!isEmptyDir(target))
    throw new RuntimeError(
      RuntimeErrorCode.BadConfig,
      `restore target ${target} is not empty: refusing to overwrite`,
    );
  const checked = await verifyDirBackup(path, kind);
  if (!checked.ok || checked.manifest === undefined)
    throw new RuntimeError(
      RuntimeErrorCode.BadConfig,
      `archive does not verify: ${checked.problems.join('; ')}`,
    );
  const manifest = checked.manifest;
  const expected = new Map(manifest.files.map((f) => [f.name, f]));
  const total = manifest.files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const pending: Promise<void>[] = [];
  try {
    await readTar(createReadStream(path).pipe(createGunzip()), (e) => {
      const want = expected.get(e.name);
      if (want === undefined) return { data: () => undefined, end: () => undefined };
      const file = join(target, ...e.name.split('/'));
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const ws = createWriteStream(file, { mode: 0o600 });
      const hash = createHash('sha256');
      pending.push(new Promise((res, rej) => ws.on('close', res).on('error', rej)));
      return {
        data: (p) => {
          hash.update(p);
          done += p.length;
          progress?.(done, total);
          ws.write(p);
        },
        end: () => {
          ws.end();
          if (hash.digest('hex') !== want.sha256)
            throw new RuntimeError(
              RuntimeErrorCode.BadConfig,
              `${e.name}: SHA-256 differs from the manifest`,
            );
          expected.delete(e.name);
        },
      };
    });
    await Promise.all(pending);
    if (expected.size > 0)
      throw new RuntimeError(
        RuntimeErrorCode.BadConfig,
        `missing from the archive: ${[...expected.keys()].join(', ')}`,
      );
  } catch (err) {
    await Promise.allSettled(pending);
    for (const name of readdirSync(target)) rmSync(join(target, name), { recursive: true, force: true });
    throw err;
  }
  return manifest;
}
