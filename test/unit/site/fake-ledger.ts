// A node's RPC surface in memory, served over real gRPC by api/server.ts, that checks what a site
// sends the way the chain and the SCP would: envelope signature, the permission contract's replay
// window over committed sequence numbers and the mempool's one-envelope-per-seq rule (with the
// real node's messages), idempotent re-sends; and lets the test open every committed packet as
// the SCP. `lose` makes it acknowledge an envelope and drop it, as a node crashing before gossip.
// Its answers carry real proofs (fake-proofs.ts): traces of certified blocks and proven state, so
// a site verifying everything (ChainUploader) accepts them; `anchor` is the site's trust anchor.

import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import type { CallContext, NodeApi } from '../../../api/handlers.js';
import {
  ReceiptState,
  type ReceiptView,
  SyncState,
  type TraceBundleBytes,
  type UploadResult,
  UploadStatus,
} from '../../../api/types.js';
import { decodeEnvelope } from '../../../codec/envelope.js';
import { envelopeAadView, envelopeSignature, envelopeSignedRegion } from '../../../codec/envelope-view.js';
import { decodeExtension } from '../../../codec/extension.js';
import { decodeKpiRecord } from '../../../codec/kpi-record.js';
import { decodeSealedPacket } from '../../../codec/sealed-packet.js';
import { EnvelopeKind, type KpiRecord } from '../../../codec/types.js';
import { verify } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { openPacket } from '../../../crypto/open.js';
import { acceptSession, type SessionKey } from '../../../crypto/session-key.js';
import type { X25519KeyPair } from '../../../crypto/x25519.js';
import { EMPTY_WINDOW, recordSeq, SEQ_WINDOW, type SeqWindow } from '../../../ledger/seq-window.js';
import { decodeSessionOffer, EXT_SESSION_OFFER } from '../../../site/session-offer.js';
import { FakeProofs } from './fake-proofs.js';
import { sha, takeLoss } from './helpers.js';

const unsupported = (): never => {
  throw new ApiError(ApiErrorCode.Internal, 'not in the fake');
};

export class FakeLedger implements NodeApi {
  readonly chainId = new Uint8Array(32).fill(9);
  /** tracing code hex -> envelope, in commit order. */
  readonly committed = new Map<string, Uint8Array>();
  private readonly pending = new Map<string, Uint8Array>();
  /** seq -> tracing code, of pending envelopes. */
  private readonly pendingSeqs = new Map<number, string>();
  private readonly committedSeqs = new Set<number>();
  /** Upload calls to refuse with NOT_READY before accepting (the chain "down"). */
  refuseCalls = 0;
  /** The contract's replay window (seq-window.ts). */
  window = SEQ_WINDOW;
  /** seq -> how many more times an envelope with it is acknowledged, then lost. */
  lose = new Map<number, number>();

  readonly proofs = new FakeProofs(this.chainId);
  private seqWindow: SeqWindow = EMPTY_WINDOW;

  constructor(
    private readonly sitePublicKey: Uint8Array,
    private readonly scp: X25519KeyPair,
    private readonly kpiCodes: number[],
  ) {
    const id = Buffer.from(keyIdOf(sitePublicKey)).toString('hex');
    this.proofs.put(`scp/${Buffer.from(keyIdOf(scp.publicKey)).toString('hex')}`, {
      publicKey: Buffer.from(scp.publicKey).toString('hex'),
      notBefore: 0,
      notAfter: 8.64e15,
      retired: false,
    });
    this.proofs.put(`site/${id}`, {
      publicKey: Buffer.from(sitePublicKey).toString('hex'),
      country: 756,
      city: { scheme: 1, code: 'CHGVA' },
      siteId: '00'.repeat(16),
      kpiCodes,
      status: 1,
    });
  }

  /** What a site trusts: this chain's ID and its validator set. */
  get anchor(): { chainId: Uint8Array; validators: Uint8Array[] } {
    return { chainId: this.chainId, validators: this.proofs.validators };
  }

  private siteKeys(): string[] {
    const id = Buffer.from(keyIdOf(this.sitePublicKey)).toString('hex');
    return [`site/${id}`, `seq/${id}`];
  }

  async uploadBatch(envelopes: Uint8Array[], _ctx: CallContext): Promise<UploadResult[]> {
    if (this.refuseCalls > 0) {
      this.refuseCalls--;
      throw new ApiError(ApiErrorCode.NotReady, 'catching up');
    }
    return envelopes.map((env) => {
      const tc = sha(env);
      const result = (status: UploadStatus, reason = ''): UploadResult => ({
        status,
        tracingCode: Buffer.from(tc, 'hex'),
        reason,
        message: reason,
        retryAfterMs: 0,
      });
      if (this.committed.has(tc)) return result(UploadStatus.AlreadyCommitted);
      if (this.pending.has(tc)) return result(UploadStatus.AlreadyPending);
      if (!verify(this.sitePublicKey, envelopeSignedRegion(env), envelopeSignature(env)))
        return result(UploadStatus.Rejected, ApiErrorCode.BadSignature);
      const seq = decodeEnvelope(env).seq;
      const refused = this.replayed(seq);
      if (refused) return { ...result(UploadStatus.Rejected, ApiErrorCode.Replayed), message: refused };
      if (takeLoss(this.lose, seq)) return result(UploadStatus.Accepted);
      this.pendingSeqs.set(seq, tc);
      this.pending.set(tc, env);
      return result(UploadStatus.Accepted);
    });
  }

  /** The node's REPLAYED messages: from the contract (committed state), then from the mempool. */
  private replayed(seq: number): string | undefined {
    const hwm = Math.max(0, ...this.committedSeqs);
    if (seq <= hwm - this.window) return 'refused by the permission contract: SeqTooOld';
    if (this.committedSeqs.has(seq)) return 'refused by the permission contract: SeqReplayed';
    if (this.pendingSeqs.has(seq)) return `sequence number ${seq} already pending`;
    return undefined;
  }

  /** Every receipt query first "commits a block" of everything pending. */
  async getReceipt(tracingCode: Uint8Array): Promise<ReceiptView> {
    for (const [tc, env] of this.pending) this.committed.set(tc, env);
    for (const seq of this.pendingSeqs.keys()) {
      this.committedSeqs.add(seq);
      this.seqWindow = recordSeq(this.seqWindow, seq);
    }
    if (this.pending.size > 0) {
      this.proofs.commit([...this.pending.values()]);
      this.proofs.put(this.siteKeys()[1]!, {
        hwm: this.seqWindow.hwm,
        mask: this.seqWindow.mask.toString(16),
      });
    }
    this.pending.clear();
    this.pendingSeqs.clear();
    const tc = Buffer.from(tracingCode).toString('hex');
    if (!this.committed.has(tc)) throw new ApiError(ApiErrorCode.NotFound, 'unknown tracing code');
    const height = this.proofs.trace(tracingCode)?.height ?? 1;
    return { tracingCode, state: ReceiptState.Committed, height, index: 0, result: '', blockTime: 0 };
  }

  async getScpKeys(prove = false) {
    const key = {
      keyId: keyIdOf(this.scp.publicKey),
      publicKey: this.scp.publicKey,
      notBefore: 0,
      notAfter: 8.64e15,
    };
    return { keys: [key], height: 1, ...(prove ? { proof: this.proofs.prove(['scp/']) } : {}) };
  }

  async getStatus() {
    return {
      chainId: this.chainId,
      height: 1,
      view: 0,
      primary: 0,
      validators: [],
      peers: [],
      syncState: SyncState.Synced,
      lastBlockHash: new Uint8Array(32),
      mempoolEnvelopes: this.pending.size,
      mempoolBytes: 0,
      selfIndex: 0,
      earliestHeight: 1,
    };
  }

  async getState(key: string, prove: boolean) {
    if (key !== 'gov/validators') throw new ApiError(ApiErrorCode.NotFound, 'state');
    // Unproven, the schedule names no change (the light client then reads the proven tip).
    if (!prove) return { entries: [], height: this.proofs.height };
    return { entries: [], height: this.proofs.height, proof: this.proofs.prove([key]) };
  }
  // A site never reads headers or the block-hash log.
  async getHeaders(): Promise<never> {
    throw new ApiError(ApiErrorCode.NotFound, 'headers');
  }
  async getConsistencyProof(): Promise<never> {
    throw new ApiError(ApiErrorCode.NotFound, 'consistency proof');
  }
  async getBlockHashProof(): Promise<never> {
    throw new ApiError(ApiErrorCode.NotFound, 'block hash proof');
  }

  async getSite(siteKeyId: Uint8Array, prove = false) {
    if (!Buffer.from(siteKeyId).equals(keyIdOf(this.sitePublicKey)))
      throw new ApiError(ApiErrorCode.NotFound, 'site');
    const seqs = [...this.committedSeqs, ...this.pendingSeqs.keys()];
    return {
      keyId: siteKeyId,
      publicKey: this.sitePublicKey,
      country: 756,
      city: { scheme: 1, code: 'CHGVA' },
      siteId: new Uint8Array(16),
      kpiCodes: this.kpiCodes,
      status: 1,
      lastCommittedSeq: this.seqWindow.hwm,
      lastPendingSeq: seqs.length ? Math.max(...seqs) : 0,
      ...(prove ? { proof: this.proofs.prove(this.siteKeys()) } : {}),
    };
  }

  /** Opens every committed packet in commit order as the SCP does, accepting session offers. */
  openAll(now: number): KpiRecord[] {
    const sessions: SessionKey[] = [];
    const out: KpiRecord[] = [];
    for (const env of this.committed.values()) {
      const e = decodeEnvelope(env);
      if (e.kind !== EnvelopeKind.KpiUpload) throw new Error('not an upload');
      const res = openPacket(decodeSealedPacket(e.packet), envelopeAadView(env), this.sitePublicKey, {
        scpKey: (id) => (Buffer.from(id).equals(keyIdOf(this.scp.publicKey)) ? this.scp : undefined),
        session: (id) => sessions.find((s) => Buffer.from(s.id).equals(id)),
      });
      if (!res.ok) throw new Error(`packet seq ${e.seq} did not open: ${res.failure}`);
      const rec = decodeKpiRecord(res.record);
      for (const item of decodeExtension(rec.extension))
        if (item.type === EXT_SESSION_OFFER)
          sessions.push(acceptSession(this.scp, decodeSessionOffer(item.value), now));
      out.push(rec);
    }
    return out;
  }

  async trace(code: Uint8Array): Promise<TraceBundleBytes> {
    const b = this.proofs.trace(code);
    if (b === undefined) throw new ApiError(ApiErrorCode.NotFound, 'unknown tracing code');
    return b;
  }

  queryBySite = unsupported;
  queryByCity = unsupported;
  getBlock = unsupported;
  submitGovernance = unsupported;
  subscribeBlocks = unsupported;
}
