// Caps of the RPC layer. grpc-js refuses a message above maxReceiveBytes from its length prefix,
// before buffering the body; the per-field caps below are then checked before any handler runs.
import {
  KEY_ID_BYTES as CODEC_KEY_ID_BYTES,
  HASH_BYTES,
  MAX_CERTIFIED_BLOCK_BYTES,
  MAX_ENVELOPE_BYTES,
} from '../codec/caps.js';

export interface ApiLimits {
  /** Largest encoded envelope accepted by Upload, UploadBatch and SubmitGovernance. */
  maxEnvelopeBytes: number;
  /** Most envelopes in one UploadBatch. */
  maxBatchEnvelopes: number;
  /** Largest request message the server reads (grpc max receive length). */
  maxReceiveBytes: number;
  /** Largest response message (grpc max send length); a certified block must fit. */
  maxSendBytes: number;
  /** Largest page a query may ask for; pageSize 0 means defaultPageSize. */
  maxPageSize: number;
  defaultPageSize: number;
  maxCursorBytes: number;
  /** Open SubscribeBlocks streams across all connections. */
  maxSubscriptions: number;
  /**
   * Bytes of blocks one SubscribeBlocks stream may have written that its subscriber has not read
   * yet; the stream then waits for it to read (a larger block goes alone).
   */
  maxStreamBufferBytes: number;
  /**
   * The same across all subscription streams; a new block for a stream holding nothing unread
   * that would pass it ends that stream with TOO_MANY_STREAMS. At least one certified block.
   */
  maxSubscriptionBufferBytes: number;
  /** HTTP/2 concurrent streams per connection. */
  maxStreamsPerConnection: number;
  /** Hint sent with TOO_MANY_STREAMS. */
  streamRetryAfterMs: number;
  /** Unary calls being handled at once across all connections; the next gets RATE_LIMITED. */
  maxInFlight: number;
  /** Hint sent with RATE_LIMITED. */
  busyRetryAfterMs: number;
  /** HTTP/2 keepalive ping interval; a peer that stops answering is dropped (and its streams freed). */
  keepaliveMs: number;
}

export const defaultApiLimits: ApiLimits = {
  maxEnvelopeBytes: MAX_ENVELOPE_BYTES,
  maxBatchEnvelopes: 512,
  // A full batch: per envelope its bytes plus a tag and a length varint; 1 KiB for the rest.
  maxReceiveBytes: 512 * (MAX_ENVELOPE_BYTES + 4) + 1024,
  maxSendBytes: MAX_CERTIFIED_BLOCK_BYTES + 1024,
  maxPageSize: 1000,
  defaultPageSize: 100,
  maxCursorBytes: 256,
  maxSubscriptions: 256,
  maxStreamBufferBytes: 256 * 1024,
  // Above the largest certified block (8 MiB + certificate), which must always fit.
  maxSubscriptionBufferBytes: 32 * 1024 * 1024,
  maxStreamsPerConnection: 128,
  streamRetryAfterMs: 1000,
  maxInFlight: 2048,
  busyRetryAfterMs: 200,
  keepaliveMs: 60_000,
};

/** Most headers in one GetHeaders page (max_count 0 asks for this many). */
export const MAX_HEADERS_PAGE = 256;
/** A GetHeaders page stops before its headers and certificates pass this many bytes. */
export const MAX_HEADERS_PAGE_BYTES = 1024 * 1024;

/** Fixed lengths of identifiers on the wire. */
export const TRACING_CODE_BYTES = HASH_BYTES;
export const KEY_ID_BYTES = CODEC_KEY_ID_BYTES;
export const MAX_CITY_CODE_CHARS = 32;
