// Adapts api/'s gRPC client to the site's small Uploader and ScpKeySource interfaces. The
// client already retries transient failures within one call; what still fails here is thrown to
// the upload loop, which backs off and tries again later with the same bytes.
import type { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { isRetriable } from '../api/retry.js';
import { ReceiptState, type UploadResult, UploadStatus } from '../api/types.js';
import type { ChainCache } from './chain-cache.js';
import type { ScpKey, ScpKeySource } from './seal-keys.js';
import type { ReceiptOutcome, Uploader, UploadOutcome } from './uploader.js';

export function toOutcome(r: UploadResult): UploadOutcome {
  switch (r.status) {
    case UploadStatus.Accepted:
    case UploadStatus.AlreadyPending:
      return { kind: 'admitted' };
    case UploadStatus.AlreadyCommitted:
      // `reason` carries what its block recorded: '' applied, else why it was refused at execution.
      return r.reason === '' ? { kind: 'committed' } : { kind: 'refused', reason: r.reason };
    default: {
      // Ahead of the node's clock by more than the chain allows: this site's clock runs fast. The
      // envelope is admissible once the nodes' clocks reach its time, so it is kept and sent again
      // after the backoff rather than given up (its bytes, time included, cannot change).
      const transient =
        r.reason === ApiErrorCode.TimeInFuture ||
        isRetriable(new ApiError(r.reason as ApiErrorCode, r.message));
      return transient
        ? { kind: 'retry', reason: r.reason, retryAfterMs: r.retryAfterMs }
        : { kind: 'rejected', reason: r.reason, message: r.message };
    }
  }
}

/**
 * The chain as the site sees it, over one or more nodes: a call that fails moves on to the next
 * node for the following calls, so one node down does not stop the site.
 */
export class ChainUploader implements Uploader, ScpKeySource {
  private at = 0;
  private chainIdNow: Uint8Array | undefined;

  constructor(
    private readonly clients: BkdmsClient[],
    private readonly siteKeyId: Uint8Array,
    /** What was last read from the chain, for when it cannot be reached (chain-cache.ts). */
    private readonly cache: ChainCache,
    /** A configured chain ID, which wins over what nodes say. */
    configuredChainId?: Uint8Array,
  ) {
    this.chainIdNow = configuredChainId;
  }

  uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]> {
    return this.use(async (c) => (await c.uploadBatch(envelopes)).map(toOutcome));
  }

  receipt(tracingCode: string): Promise<ReceiptOutcome> {
    return this.use(async (c) => {
      try {
        const r = await c.getReceipt(Buffer.from(tracingCode, 'hex'));
        if (r.state !== ReceiptState.Committed) return { kind: 'pending' };
        return r.result === ''
          ? { kind: 'committed', height: r.height }
          : { kind: 'refused', reason: r.result };
      } catch (err) {
        if (err instanceof ApiError && err.code === ApiErrorCode.NotFound) return { kind: 'unknown' };
        // The node admitted it, then evicted it: another envelope spent its sequence number.
        if (err instanceof ApiError && err.code === ApiErrorCode.Replayed)
          return { kind: 'replayed', message: err.message };
        throw err;
      }
    });
  }

  /** The SCP key directory; the last one read when no node answers. */
  async scpKeys(): Promise<ScpKey[]> {
    try {
      const keys = await this.use(async (c) => (await c.getScpKeys()).keys);
      this.cache.save({ scpKeys: keys });
      return keys;
    } catch (err) {
      const cached = this.cache.scpKeys();
      if (cached === undefined) throw err;
      return cached;
    }
  }

  /** The chain ID envelopes are bound to: configured, read from a node, or the last one read. */
  async chainId(): Promise<Uint8Array> {
    if (this.chainIdNow) return this.chainIdNow;
    try {
      this.chainIdNow = await this.use(async (c) => Uint8Array.from((await c.getStatus()).chainId));
      this.cache.save({ chainId: this.chainIdNow });
    } catch (err) {
      this.chainIdNow = this.cache.chainId();
      if (this.chainIdNow === undefined) throw err;
    }
    return this.chainIdNow;
  }

  /**
   * Reads the site's registration: remembers its allowed KPI codes (readings for others are
   * dropped as NOT_ALLOWED instead of getting a whole envelope refused) and returns the lowest
   * sequence number the chain would accept.
   */
  async seqFloor(): Promise<number> {
    const info = await this.use((c) => c.getSite(this.siteKeyId));
    this.cache.save({ kpiCodes: info.kpiCodes });
    return info.lastPendingSeq + 1;
  }

  /** KPI codes the site is registered for, as last read (undefined before the first read). */
  allowedCodes(): ReadonlySet<number> | undefined {
    return this.cache.kpiCodes();
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  private async use<T>(fn: (c: BkdmsClient) => Promise<T>): Promise<T> {
    const client = this.clients[this.at % this.clients.length]!;
    try {
      return await fn(client);
    } catch (err) {
      // NOT_FOUND and refusals are answers, not node failures; anything else: try another node next.
      if (!(err instanceof ApiError) || err.code !== ApiErrorCode.NotFound) this.at++;
      throw err;
    }
  }
}
