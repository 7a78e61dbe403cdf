// Backup of a RUNNING node's data folder, consistent at one height (docs/operations.md, "Backup
// and restore"): the node itself copies its store at one index snapshot into a staging folder next
// to the archive (node/store/snapshot-copy.ts: the index in bounded batches, the block log up to
// the snapshot's tip), copies the folder's other files (consensus WAL, cursor key, prune holds,
// alarms), then writes the same archive `bkdms backup create` writes (kind, manifest, SHA-256s),
// so `bkdms backup verify` and `bkdms backup restore` take it unchanged. Commits go on throughout.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { backupDir, type DirManifest, listFiles } from '../../runtime/dir-backup.js';
import { NodeError, NodeErrorCode } from '../errors.js';
import { copyStoreSnapshot, type SnapshotCopy, type Store } from '../store/index.js';
import { NODE_BACKUP_KIND } from './node-backup.js';

export interface LiveBackupProgress {
  phase: 'index' | 'blocks' | 'archive';
  done: number;
  total?: number;
}

export interface LiveBackupResult {
  manifest: DirManifest;
  copy: SnapshotCopy;
  /** Wall time of the whole backup (ms). */
  ms: number;
}

/** Files the store copy makes itself, LevelDB's lock, and temporary files of interrupted writes. */
const notCopied = (name: string): boolean =>
  name.startsWith('index/') || name.startsWith('blocks/') || /\.tmp(-\d+)?$/.test(name);

/** Refuses a path a backup must not be written to, before any work. */
export function checkBackupTarget(out: string): void {
  if (!isAbsolute(out)) throw new NodeError(NodeErrorCode.BadConfig, `backup path ${out} is not absolute`);
  if (!out.endsWith('.tar.gz'))
    throw new NodeError(NodeErrorCode.BadConfig, `backup path ${out} must end with .tar.gz`);
  if (existsSync(out)) throw new NodeError(NodeErrorCode.BadConfig, `${out} exists: refusing to overwrite`);
  if (!existsSync(dirname(out)))
    throw new NodeError(NodeErrorCode.BadConfig, `folder ${dirname(out)} does not exist`);
}

/**
 * Writes `out` (absolute, ending .tar.gz, not existing; through a temporary file renamed when
 * complete, mode 0600) from the open `store` of the node whose data folder is `dataDir`.
 */
export async function createLiveNodeBackup(
  store: Store,
  dataDir: string,
  out: string,
  onProgress?: (p: LiveBackupProgress) => void,
  now: () => number = Date.now,
): Promise<LiveBackupResult> {
  checkBackupTarget(out);
  const started = now();
  // Next to the archive: same file system as it, and never inside the node's own folder.
  const staging = mkdtempSync(join(dirname(out), `.${basename(out)}.staging-`));
  try {
    // The other files first: the consensus WAL copied before the index snapshot holds no height
    // past the snapshot's tip + 1, as after a crash (a WAL copied later could run ahead of the
    // copied chain). It may be appended to meanwhile: a torn last record is cut off at open.
    for (const f of listFiles(dataDir, notCopied)) {
      const to = join(staging, ...f.name.split('/'));
      mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
      copyFileSync(f.path, to);
    }
    const copy = await copyStoreSnapshot(store, dataDir, staging, onProgress);
    const meta = { chainId: copy.chainId, tip: copy.tip, earliestHeight: copy.earliestHeight };
    const manifest = await backupDir(staging, out, {
      kind: NODE_BACKUP_KIND,
      meta,
      skip: (name) => name === 'index/LOCK',
      progress: (done, total) => onProgress?.({ phase: 'archive', done, total }),
    });
    return { manifest, copy, ms: now() - started };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A progress callback that reports each phase's start and every further 10% of its bytes (the
 * index: every 100,000 entries, its size not being known before the end), for a log or a console.
 */
export function progressLogger(
  say: (fields: Record<string, string | number>, msg: string) => void,
): (p: LiveBackupProgress) => void {
  let phase = '';
  let shown = -1;
  return (p) => {
    const step =
      p.total === undefined ? Math.floor(p.done / 100_000) : Math.floor((p.done / Math.max(1, p.total)) * 10);
    if (p.phase === phase && step === shown) return;
    phase = p.phase;
    shown = step;
    const pct = p.total === undefined ? '' : ` ${Math.floor((p.done / Math.max(1, p.total)) * 100)}%`;
    const what = p.phase === 'index' ? `${p.done} index entries` : `${p.done} of ${p.total} bytes${pct}`;
    say(
      { phase: p.phase, done: p.done, ...(p.total === undefined ? {} : { total: p.total }) },
      `backup ${p.phase}: ${what}`,
    );
  };
}
