// The one error class of the site domain (copying codec/errors.ts): every failure a caller may
// need to tell apart carries a code and metadata. Metadata never holds key material.
import { BkdmsError } from '../codec/base-error.js';

export enum SiteErrorCode {
  /** The site's JSON config is missing, unreadable or fails validation. */
  BadConfig = 'BAD_CONFIG',
  /** A source produced a row or a request body that is not a valid reading. */
  BadReading = 'BAD_READING',
  /** A source could not be opened or read (file, database, port). */
  SourceFailed = 'SOURCE_FAILED',
  /** A body, line or file is larger than its configured cap (checked before buffering). */
  Oversized = 'OVERSIZED',
  /** The durable outbox holds its maximum number of envelopes or bytes: backpressure. */
  OutboxFull = 'OUTBOX_FULL',
  /** A file of the site's own state (outbox entry, spool line, state file) failed its checks. */
  CorruptState = 'CORRUPT_STATE',
  /** The chain rejected an envelope for a reason retrying cannot fix. */
  Rejected = 'REJECTED',
  /** The upload RPC failed in a way worth retrying (unavailable, deadline, resource exhausted). */
  UploadFailed = 'UPLOAD_FAILED',
  /** No usable SCP encryption key was found in the key directory. */
  NoScpKey = 'NO_SCP_KEY',
  /** A session offer TLV that does not decode. */
  BadOffer = 'BAD_OFFER',
  /** The site was stopped while an operation was in progress. */
  Stopped = 'STOPPED',
}

export class SiteError extends BkdmsError<SiteErrorCode> {
  constructor(code: SiteErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('SiteError', code, message, meta);
  }
}
