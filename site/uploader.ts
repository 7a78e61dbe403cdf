// What the site needs from the chain, as a small interface: upload a batch of encoded envelopes
// and ask whether one is committed. The real implementation adapts api/'s gRPC client
// (chain-uploader.ts); tests use a fake that fails on demand.

export type UploadOutcome =
  /** In the mempool or already on chain (an idempotent re-send counts as admitted). */
  | { kind: 'admitted' }
  /** Already committed (the chain knew it): the entry can go. */
  | { kind: 'committed' }
  /** Refused for a reason re-sending cannot fix (revoked site, bad signature...). */
  | { kind: 'rejected'; reason: string; message: string }
  /** Refused for now (mempool full, not synced): try again after at least retryAfterMs. */
  | { kind: 'retry'; reason: string; retryAfterMs: number };

export type ReceiptOutcome =
  | { kind: 'committed'; height: number }
  /**
   * In a block but refused when the block executed (e.g. the site was suspended after admission):
   * its sequence number is not spent, so the site sends it again and admission's answer decides.
   */
  | { kind: 'refused'; reason: string }
  | { kind: 'pending' }
  | { kind: 'unknown' };

export interface Uploader {
  /** One outcome per envelope, in order. Throws when the call itself failed (network, deadline). */
  uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]>;
  /** Where the chain stands on one envelope, by tracing code (hex). */
  receipt(tracingCode: string): Promise<ReceiptOutcome>;
}
