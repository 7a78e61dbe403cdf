// Public API of node/store: the ledger's block log + index, its Db abstraction, and its queries.
// Owns: on-disk layout, commit protocol, crash recovery, queries, proof bundles, consensus WAL.
// Does not own: what a block means (ledger/ executes it), byte layouts (codec/).

export {
  type ArchivedChange,
  type ArchivedFrame,
  type ArchivedSegment,
  ArchiveError,
  ArchiveErrorCode,
  archivedSegmentOf,
  listArchive,
  manifestFileName,
  parseManifest,
  type SegmentManifest,
  segmentFrames,
} from './archive-format.js';
export { ArchiveIndex } from './archive-index.js';
export {
  type ArchiveOptions,
  type ArchiveRun,
  type ArchiveSource,
  archiveDataDir,
  archiveSegments,
} from './archive-write.js';
export { type BlockLocation, DEFAULT_SEGMENT_BYTES } from './block-log.js';
export { Bucket, MetaKey } from './buckets.js';
export { readContractState } from './contract-state.js';
export { compareBytes, type Db, type DbOp, type DbRange } from './db.js';
export { StoreError, StoreErrorCode } from './errors.js';
export { headerHash } from './facts.js';
export { ensureGenesis } from './genesis-state.js';
export type { BlockExecution, BlockFacts, ExecutionResult, StateChange } from './index-batch.js';
export type { BaseInstall, InstalledValidatorChange } from './install.js';
export { LevelDb } from './level-db.js';
export { MemoryDb } from './memory-db.js';
export { blockChunkLevel, rootOfChunkLevel } from './proof.js';
export type { PruneFailpoint, PruneStepResult } from './prune.js';
export { MAX_PAGE, type Page, type PageOptions, type TraceRef } from './queries.js';
export { copyStoreSnapshot, type SnapshotCopy, type SnapshotCopyProgress } from './snapshot-copy.js';
export { type FoundEnvelope, openStore, Store } from './store.js';
export type { Execute, HashLogHead, RecoveryReport, StoreOptions, Tip } from './store-core.js';
export { type KeptValidatorChange, readValidatorChange } from './validator-change.js';
export {
  type DataRecorder,
  type Receipt,
  ReceiptStatus,
  type StoredLocation,
  type StoredReceipt,
} from './values.js';
export { readStoreMeta, type StoredChainReport, type StoreMeta, verifyStoredChain } from './verify-stored.js';
