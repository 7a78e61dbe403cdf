// What the site needs from the chain, as a small interface: upload a batch of encoded envelopes
// and ask whether one is committed. The real implementation adapts api/'s gRPC client
// (chain-uploader.ts); tests use a fake that fails on demand.

export type UploadOutcome =
  /** In the mempool or already on chain (an idempotent re-send counts as admitted). */
  | { kind: 'admitted' }
  /** Already committed and applied (the chain knew it): the entry can go. */
  | { kind: 'committed' }
  /**
   * Already in a block but refused when the block executed (ALREADY_COMMITTED carrying that
   * result, e.g. SiteSuspended): final for this envelope, which the chain never takes again.
   */
  | { kind: 'refused'; reason: string }
  /** Refused for a reason re-sending cannot fix (revoked site, bad signature...). */
  | { kind: 'rejected'; reason: string; message: string }
  /** Refused for now (mempool full, not synced): try again after at least retryAfterMs. */
  | { kind: 'retry'; reason: string; retryAfterMs: number };

export type ReceiptOutcome =
  | { kind: 'committed'; height: number }
  /**
   * In a block but refused when the block executed (e.g. the site was suspended after admission):
   * final for this envelope (one tracing code, one block), so its reading is made anew under a new
   * sequence number and admission's answer to that envelope decides.
   */
  | { kind: 'refused'; reason: string }
  /**
   * Admitted, then dropped by the node: another envelope spent its sequence number (REPLAYED). It
   * can never commit; handled as a REPLAYED refusal at admission.
   */
  | { kind: 'replayed'; message: string }
  | { kind: 'pending' }
  | { kind: 'unknown' };

export interface Uploader {
  /** One outcome per envelope, in order. Throws when the call itself failed (network, deadline). */
  uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]>;
  /** Where the chain stands on one envelope, by tracing code (hex) and sequence number. */
  receipt(tracingCode: string, seq?: number): Promise<ReceiptOutcome>;
}
