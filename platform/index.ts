// The platform's public surface (the KPI management module of the smart city platform), for the
// CLI, the demo and the end-to-end tests.
export {
  Admin,
  type AdminOptions,
  type CallResult,
  defaultAdminOptions,
  type GovernanceChain,
} from './admin.js';
export { openAdmin } from './admin-client.js';
export {
  type AssessOptions,
  type AssessRow,
  assess,
  type QualityMetrics,
  type QualityReport,
  type SeriesReport,
} from './assess.js';
export { rowsFromPackets } from './assess-input.js';
export { formatQualityTable } from './assess-table.js';
export { type AuditFinding, type AuditReport, audit, formatAudit } from './audit.js';
export { type ChainBlock, type ChainSource, clientSource, nodeClients } from './chain-source.js';
export { ChainState, type ScpKeyEntry, type SiteEntry } from './chain-state.js';
export {
  defaultPlatformOptions,
  loadPlatformConfig,
  type PlatformConfig,
  parsePlatformConfig,
} from './config.js';
export { PlatformError, PlatformErrorCode } from './errors.js';
export { type BlockSummary, Extractor } from './extractor.js';
export { failoverSource } from './failover-source.js';
export { loadAdminKey, loadEncryptionKeys } from './keys.js';
export {
  type DecryptedRecord,
  PacketFailure,
  type PacketMeta,
  type PacketOutcome,
  type StoredPacket,
} from './outcome.js';
export { PacketOpener } from './packet-opener.js';
export {
  openPlatform,
  type PlatformDeps,
  type PlatformHandle,
  runPlatform,
} from './run.js';
export type { SqlDb, SqlRunner } from './sql-db.js';
export { openStore } from './sql-open.js';
export { PgliteDb } from './sql-pglite.js';
export { PostgresDb } from './sql-postgres.js';
export { checkCodeMatches, defaultChainUrl, makeStorageRecord } from './storage-record.js';
export { type ExtractorCheckpoint, PlatformStore } from './store.js';
export { formatTrace, type TraceEvidence, trace } from './trace.js';
