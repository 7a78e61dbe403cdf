// Backup and restore of a node's data folder (docs/operations.md, "Backup and restore"). A backup
// needs a STOPPED node: the folder is copied file by file, and only a stopped node keeps LevelDB
// from compacting (rewriting files) during the copy. The index is opened before and after the copy
// to prove it: while a node runs, LevelDB's lock refuses the open and the backup is refused; a
// node started during the copy fails the second check and the archive is deleted.
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  backupDir,
  type DirManifest,
  type Progress,
  restoreDir,
  verifyDirBackup,
} from '../../runtime/dir-backup.js';
import { NodeError, NodeErrorCode } from '../errors.js';
import {
  readStoreMeta,
  type StoredChainReport,
  StoreError,
  type StoreMeta,
  verifyStoredChain,
} from '../store/index.js';

export const NODE_BACKUP_KIND = 'bkdms-node-data';

/** LevelDB's lock file (recreated at open) and temporary files of interrupted writes. */
const skip = (name: string): boolean => name === 'index/LOCK' || /\.tmp(-\d+)?$/.test(name);

async function stoppedMeta(dataDir: string): Promise<StoreMeta> {
  // Opening creates a missing index: check first, so a mistyped folder is not turned into a store.
  if (!existsSync(join(dataDir, 'index')))
    throw new NodeError(NodeErrorCode.BadConfig, `${dataDir} is not a node data folder (no index/)`);
  try {
    return await readStoreMeta(dataDir);
  } catch (err) {
    if (err instanceof StoreError)
      throw new NodeError(
        NodeErrorCode.NotReady,
        `cannot open ${dataDir}/index (is the node running? a backup needs a stopped node): ${err.message}`,
      );
    throw err;
  }
}

export async function createNodeBackup(
  dataDir: string,
  out: string,
  progress?: Progress,
): Promise<DirManifest> {
  const before = await stoppedMeta(dataDir);
  if (before.chainId === '') throw new NodeError(NodeErrorCode.BadConfig, `${dataDir} holds no chain`);
  const meta = { chainId: before.chainId, tip: before.tip, earliestHeight: before.earliestHeight };
  const manifest = await backupDir(dataDir, out, { kind: NODE_BACKUP_KIND, meta, skip, progress });
  const after = await stoppedMeta(dataDir).catch(async (err: unknown) => {
    await unlink(out).catch(() => undefined);
    throw err;
  });
  if (after.tip !== before.tip || after.earliestHeight !== before.earliestHeight) {
    await unlink(out).catch(() => undefined);
    throw new NodeError(
      NodeErrorCode.NotReady,
      'the node ran during the backup (its tip moved): archive deleted',
    );
  }
  return manifest;
}

export function verifyNodeBackup(file: string): ReturnType<typeof verifyDirBackup> {
  return verifyDirBackup(file, NODE_BACKUP_KIND);
}

export interface NodeRestore {
  manifest: DirManifest;
  chain: StoredChainReport;
}

/**
 * Restores into an empty folder (refused otherwise), hashes checked, then checks the restored
 * chain (node/store/verify-stored.ts) against the tip the manifest records. The node started on
 * the folder then recovers any block synced but not indexed and catches up from its peers.
 */
export async function restoreNodeBackup(
  file: string,
  dataDir: string,
  progress?: Progress,
  onChainProgress?: (height: number, tip: number) => void,
): Promise<NodeRestore> {
  const manifest = await restoreDir(file, dataDir, NODE_BACKUP_KIND, progress);
  const chain = await verifyStoredChain(dataDir, onChainProgress);
  if (chain.chainId !== manifest.meta.chainId || chain.tip !== manifest.meta.tip)
    throw new NodeError(
      NodeErrorCode.BadConfig,
      `restored chain ${chain.chainId} at ${chain.tip} differs from the manifest's ${String(manifest.meta.chainId)} at ${String(manifest.meta.tip)}`,
    );
  return { manifest, chain };
}
