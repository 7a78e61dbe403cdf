// Public API of site/, the KPI processing module of a sampling site (Y.4907 §8.1). The CLI calls
// loadSiteConfig + runSite; the demo and tests may assemble a site from their own parts with
// startSite.
export { ChainCache } from './chain-cache.js';
export { ChainUploader } from './chain-uploader.js';
export {
  defaultSiteOptions,
  loadSiteConfig,
  parseSiteConfig,
  type SiteConfig,
  type SourceConfig,
} from './config.js';
export { SignedEnvelopeMaker } from './envelope-maker.js';
export { SiteError, SiteErrorCode } from './errors.js';
export { kpiNormalizer } from './kpi-normalizer.js';
export { Outbox, type OutboxEntry, tracingCodeOf } from './outbox.js';
export type { EnvelopeMaker, NormalizeDrop, Normalizer, SiteIdentity } from './parts.js';
export type { SourceReading } from './reading.js';
export { type RunSiteOptions, runSite, siteIdentity, siteLogger } from './run.js';
export {
  type SiteEnv,
  type SiteHandle,
  type SiteParts,
  type SiteRuntimeOptions,
  startSite,
} from './runtime.js';
export { type ScpKey, type ScpKeySource, SealKeys } from './seal-keys.js';
export { decodeSessionOffer, EXT_SESSION_OFFER, encodeSessionOffer } from './session-offer.js';
export { CsvSource } from './sources/csv.js';
export { HttpPushSource } from './sources/http-push.js';
export { JsonLinesSource } from './sources/jsonl.js';
export { PgSource } from './sources/postgres.js';
export type { ReadingBatch, Source } from './sources/source.js';
export { SqlSource } from './sources/sql.js';
export { droppedTotal, progressLine, SiteCounters, SiteDropReason, type SiteRunStatus } from './status.js';
export type { ReceiptOutcome, Uploader, UploadOutcome } from './uploader.js';
