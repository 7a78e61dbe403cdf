// The server-side contract: what an accounting node implements so api/server.ts can serve it.
// Plain TypeScript in and out; every argument has already been validated (lengths, ranges, caps)
// by api/validate.ts. A handler signals failure by throwing an ApiError, or any error whose string
// `code` is an ApiErrorCode (node/'s NodeError is), with meta.retryAfterMs as the retry hint.
import type { KeyId } from '../codec/types.js';
import type {
  BlockEvent,
  CityQuery,
  HeadersPage,
  HeadersQuery,
  NodeStatus,
  QueryPage,
  ReceiptView,
  ScpKeyDirectory,
  SiteInfo,
  SiteQuery,
  StateAnswer,
  TraceBundleBytes,
  UploadResult,
} from './types.js';

/** Who is calling: for rate limits and logs. */
export interface CallContext {
  /** Remote address as grpc-js reports it ("ipv4:127.0.0.1:53412"). */
  peer: string;
}

export interface NodeApi {
  /**
   * Admits KPI upload envelopes, one result per envelope in order. A per-envelope refusal is a
   * Rejected result with its reason; throw only when the whole batch is refused (not ready, ...).
   * Upload is served as a batch of one whose rejection becomes the call's error.
   */
  uploadBatch(envelopes: Uint8Array[], ctx: CallContext): Promise<UploadResult[]>;
  /** Admits one contract-call envelope; a Rejected result becomes the call's error. */
  submitGovernance(envelope: Uint8Array, ctx: CallContext): Promise<UploadResult>;
  getStatus(): Promise<NodeStatus>;
  /** Throws NOT_FOUND for a tracing code that is not committed. */
  trace(tracingCode: Uint8Array): Promise<TraceBundleBytes>;
  /** Throws NOT_FOUND for a tracing code neither pending nor committed. */
  getReceipt(tracingCode: Uint8Array): Promise<ReceiptView>;
  queryBySite(query: SiteQuery): Promise<QueryPage>;
  queryByCity(query: CityQuery): Promise<QueryPage>;
  /** Encoded CertifiedBlock at `height`; NOT_FOUND above the tip. */
  getBlock(height: number): Promise<Uint8Array>;
  /**
   * Certified blocks from `fromHeight` on, in height order without gaps, then each new block as it
   * commits. Ends when `signal` aborts (the caller went away). The server pulls one block at a
   * time, only while the subscriber's unread bytes are within their caps (api/stream-buffers.ts),
   * so a slow subscriber never makes the node buffer the chain.
   */
  subscribeBlocks(fromHeight: number, signal: AbortSignal): AsyncIterable<BlockEvent>;
  /** With `prove`, from the state the newest certified header commits to, with its proof. */
  getScpKeys(prove?: boolean): Promise<ScpKeyDirectory>;
  /** NOT_FOUND for an unknown site key ID (without prove; with prove, the proof shows the absence). */
  getSite(siteKeyId: KeyId, prove?: boolean): Promise<SiteInfo>;
  /**
   * One key or a group's entries (`key` validated: printable ASCII, a group only as its exact prefix).
   * `activation` (validated: only with "gov/validators" and prove): the proof kept for the
   * validator-set change at that height, against header activation - 1; NOT_FOUND when none is kept.
   */
  getState(key: string, prove: boolean, activation?: number): Promise<StateAnswer>;
  /**
   * Headers and certificates from query.fromHeight on, consecutive, at most maxCount and
   * MAX_HEADERS_PAGE_BYTES of them; NOT_FOUND when fromHeight is above the tip.
   */
  getHeaders(query: HeadersQuery): Promise<HeadersPage>;
  /** Encoded RFC 9162 consistency proof between the logs of headers `first` and `second`; NOT_FOUND above the tip. */
  getConsistencyProof(first: number, second: number): Promise<Uint8Array>;
  /** Encoded RFC 9162 inclusion proof of block `height`'s hash in the log of header `at`; NOT_FOUND above the tip. */
  getBlockHashProof(height: number, at: number): Promise<Uint8Array>;
}
