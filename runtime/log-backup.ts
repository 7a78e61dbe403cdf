// Backup of a log folder's files covering a time range: one tar.gz holding the files and, last, a
// manifest (file name, size, SHA-256 of each); verify-backup re-reads the archive and checks every
// file against the manifest. Both stream: memory stays bounded whatever the folder holds.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { RuntimeError, RuntimeErrorCode } from './errors.js';
import { fileLines } from './log-query.js';
import { type LogFile, listLogFiles } from './log-types.js';
import { MANIFEST, type ManifestEntry, writeManifestArchive } from './manifest-archive.js';
import { readTar } from './tar.js';

export { MANIFEST, type ManifestEntry } from './manifest-archive.js';

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface Manifest {
  version: 1;
  createdAt: string;
  from: string | null;
  to: string | null;
  files: ManifestEntry[];
}

/** Time of a file's first line, else the start of the day before its name's (time zones). */
async function firstTime(f: LogFile): Promise<number> {
  for await (const raw of fileLines(f.path)) {
    if (raw === null) break;
    try {
      const t = Date.parse((JSON.parse(raw) as { time?: string }).time ?? '');
      if (Number.isFinite(t)) return t;
    } catch {}
    break;
  }
  return Date.parse(`${f.day}T00:00:00Z`) - 86_400_000;
}

/** The files whose span (first line to last write) meets [fromMs, toMs]. */
export async function filesCovering(dir: string, fromMs?: number, toMs?: number): Promise<LogFile[]> {
  const out: LogFile[] = [];
  for (const f of await listLogFiles(dir)) {
    if (fromMs !== undefined && f.mtimeMs < fromMs) continue;
    if (toMs !== undefined && (await firstTime(f)) > toMs) continue;
    out.push(f);
  }
  return out;
}

/** Writes `out` (through a temporary file, renamed when complete) and returns its manifest. */
export async function backupLogs(
  dir: string,
  out: string,
  range: { fromMs?: number; toMs?: number },
  now: number = Date.now(),
): Promise<Manifest> {
  const files = await filesCovering(dir, range.fromMs, range.toMs);
  const manifest: Manifest = {
    version: 1,
    createdAt: new Date(now).toISOString(),
    from: range.fromMs === undefined ? null : new Date(range.fromMs).toISOString(),
    to: range.toMs === undefined ? null : new Date(range.toMs).toISOString(),
    files: [],
  };
  return writeManifestArchive(out, files, manifest, { mode: 0o640, now });
}

export interface VerifyResult {
  ok: boolean;
  manifest: Manifest | undefined;
  /** One line per problem: a file missing, extra, of another size or hash; no manifest. */
  problems: string[];
}

/** Re-reads an archive and checks every file against its manifest. */
export async function verifyBackup(path: string): Promise<VerifyResult> {
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestBytes: Buffer[] | undefined;
  let manifestSize = 0;
  const problems: string[] = [];
  const read = readTar(createReadStream(path).pipe(createGunzip()), (e) => {
    if (e.name === MANIFEST) {
      if (e.size > MAX_MANIFEST_BYTES)
        throw new RuntimeError(RuntimeErrorCode.BadConfig, 'manifest too large');
      manifestBytes = [];
      manifestSize = e.size;
      return { data: (p) => manifestBytes?.push(p), end: () => undefined };
    }
    const hash = createHash('sha256');
    let size = 0;
    return {
      data: (p) => {
        hash.update(p);
        size += p.length;
      },
      end: () => {
        if (seen.has(e.name)) problems.push(`${e.name}: twice in the archive`);
        seen.set(e.name, { size, sha256: hash.digest('hex') });
      },
    };
  });
  // A damaged archive (gzip CRC, a torn tar header) is a failed verification, not a crash.
  const unreadable = await read.then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  if (unreadable !== undefined)
    return { ok: false, manifest: undefined, problems: [`archive unreadable: ${unreadable}`] };
  if (manifestBytes === undefined)
    return { ok: false, manifest: undefined, problems: ['no manifest.json in the archive'] };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Buffer.concat(manifestBytes, manifestSize).toString('utf8')) as Manifest;
    if (!Array.isArray(manifest.files)) throw new Error('no files');
  } catch {
    return { ok: false, manifest: undefined, problems: ['manifest.json is not a valid manifest'] };
  }
  for (const m of manifest.files) {
    const s = seen.get(m.name);
    if (s === undefined) problems.push(`${m.name}: in the manifest, not in the archive`);
    else if (s.size !== m.size) problems.push(`${m.name}: size ${s.size}, manifest says ${m.size}`);
    else if (s.sha256 !== m.sha256) problems.push(`${m.name}: SHA-256 differs from the manifest`);
    seen.delete(m.name);
  }
  for (const name of seen.keys()) problems.push(`${name}: in the archive, not in the manifest`);
  return { ok: problems.length === 0, manifest, problems };
}
