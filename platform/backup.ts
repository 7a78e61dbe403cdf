// Backup and restore of an embedded (PGlite) platform database folder (docs/platform.md,
// "Backup and restore"): the platform must be stopped; its folder lock is held for the whole copy,
// so a platform cannot start meanwhile. A PostgreSQL server back end (store.url) is backed up with
// the server's own tools (pg_dump / pg_restore), not here.
import { join } from 'node:path';
import {
  backupDir,
  type DirManifest,
  type Progress,
  restoreDir,
  verifyDirBackup,
} from '../runtime/dir-backup.js';
import { lockDir } from './dir-lock.js';

export const PLATFORM_BACKUP_KIND = 'bkdms-platform-data';
const LOCK = 'lock';

export async function createPlatformBackup(
  dataDir: string,
  out: string,
  progress?: Progress,
): Promise<DirManifest> {
  const release = lockDir(join(dataDir, LOCK));
  try {
    return await backupDir(dataDir, out, {
      kind: PLATFORM_BACKUP_KIND,
      meta: {},
      skip: (name) => name === LOCK || /\.tmp(-\d+)?$/.test(name),
      progress,
    });
  } finally {
    release();
  }
}

export function verifyPlatformBackup(file: string): ReturnType<typeof verifyDirBackup> {
  return verifyDirBackup(file, PLATFORM_BACKUP_KIND);
}

/** Into an empty folder only; the platform checks its cursor's state root when it next opens. */
export function restorePlatformBackup(
  file: string,
  dataDir: string,
  progress?: Progress,
): Promise<DirManifest> {
  return restoreDir(file, dataDir, PLATFORM_BACKUP_KIND, progress);
}
