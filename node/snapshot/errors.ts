// The snapshot domain's error class: snapshot files on disk, serving them, and state sync.
import { BkdmsError } from '../../codec/base-error.js';

export enum SnapshotErrorCode {
  /** No snapshot at that height (never taken, or dropped as older than the last N). */
  NotFound = 'NOT_FOUND',
  /** A snapshot file that does not decode or whose chunks do not match its manifest. */
  Corrupt = 'CORRUPT',
  /** A request or response of the snapshot protocol that does not decode. */
  BadMessage = 'BAD_MESSAGE',
  /** No peer could serve a snapshot that verifies (none offered, all failed or lied). */
  NoPeers = 'NO_PEERS',
  /** The snapshot's header could not be verified (light client, trusted hash). */
  Unverified = 'UNVERIFIED',
  /** Writing or reading snapshot files failed. */
  Io = 'IO',
  /**
   * The node's store holds blocks yet ends more than stateSync.maxBehind blocks below a verified
   * snapshot: a snapshot is installed only into an empty store, so the node refuses to start.
   */
  FarBehind = 'FAR_BEHIND',
}

export class SnapshotError extends BkdmsError<SnapshotErrorCode> {
  constructor(code: SnapshotErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('SnapshotError', code, message, meta);
  }
}
