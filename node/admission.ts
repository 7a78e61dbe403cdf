// Admission of envelopes into the mempool, in the order of DESIGN §3 step 5: size cap (before
// anything else) -> decode -> chain -> already pending -> authorization and replay against committed
// state (a refused envelope that is committed already is an idempotent re-send) and the mempool ->
// signature (batched on the verification pool) -> mempool. Used for RPC uploads and for envelopes gossiped by peers.
import { type UploadResult, UploadStatus } from '../api/types.js';
import { MAX_ENVELOPE_BYTES } from '../codec/caps.js';
import { decodeEnvelope } from '../codec/envelope.js';
import { envelopeSignature, envelopeSignedRegion } from '../codec/envelope-view.js';
import { type Envelope, EnvelopeKind } from '../codec/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import type { VerifyItem } from '../crypto/verify-pool.js';
import { NodeErrorCode } from './errors.js';
import type { Mempool, MempoolEntry } from './mempool.js';
import { envelopeTracingCode } from './tx-hash.js';

/** The verification pool's contract, as admission needs it. */
export interface BatchVerifier {
  verifyBatch(items: VerifyItem[]): Promise<boolean[]>;
}

export type Authorization =
  | { ok: true; publicKey: Uint8Array }
  | { ok: false; code: NodeErrorCode; message: string };

export interface AdmissionDeps {
  chainIdHex: string;
  mempool: Mempool;
  verifier: BatchVerifier;
  /** Committed already? One answer per tracing code, in order (one batched lookup in the store). */
  committed(tracingCodes: Uint8Array[]): Promise<boolean[]>;
  /** Signer authorized for this envelope and its sequence number fresh, against committed state. */
  authorize(env: Envelope): Authorization;
  /** Called once per admit() call with the envelopes newly added to the mempool, in order. */
  onAdmitted(entries: MempoolEntry[]): void;
  /** Retry hint for MEMPOOL_FULL. */
  retryAfterMs: () => number;
  /**
   * Version of the committed state `authorize` reads (it changes when a block is applied).
   * Verification is asynchronous: when a block is applied meanwhile (it may hold the very
   * envelope), candidates are authorized again before they enter the mempool, so a committed
   * envelope never comes back as pending.
   */
  stateVersion?(): number;
  /** Counts admissions and rejections (metrics). */
  count?(status: UploadStatus, reason: string): void;
}

export const hex = toHex;

const EMPTY = new Uint8Array(0);

function result(
  status: UploadStatus,
  tc: Uint8Array,
  reason = '',
  message = '',
  retryAfterMs = 0,
): UploadResult {
  return { status, tracingCode: tc, reason, message, retryAfterMs };
}

const reject = (tc: Uint8Array, code: NodeErrorCode, message: string, retryAfterMs = 0): UploadResult =>
  result(UploadStatus.Rejected, tc, code, message, retryAfterMs);

interface Decoded {
  bytes: Uint8Array;
  env: Envelope;
  tc: Uint8Array;
  id: string;
}

interface Candidate {
  at: number;
  entry: MempoolEntry;
  env: Envelope;
  tc: Uint8Array;
  item: VerifyItem;
}

export class Admission {
  /** The chain ID as bytes: compared per envelope without building a hex string each time. */
  private readonly chainId: Uint8Array;

  constructor(private readonly deps: AdmissionDeps) {
    this.chainId = Buffer.from(deps.chainIdHex, 'hex');
  }

  /** `kind`, when given, is the only envelope kind this call accepts (uploads and contract calls travel apart). */
  async admit(envelopes: readonly Uint8Array[], kind?: EnvelopeKind): Promise<UploadResult[]> {
    const out: UploadResult[] = new Array(envelopes.length);
    const decoded = envelopes.map((bytes, i) => {
      const d = this.decodeCheck(bytes, kind);
      if ('status' in d) out[i] = d;
      return 'status' in d ? null : d;
    });
    // Authorization first, against the committed contract state. A committed envelope's sequence
    // number is spent in its signer's replay window, so the contract refuses it: only refused
    // envelopes need the store lookup that turns a re-send of a committed envelope into the
    // idempotent ALREADY_COMMITTED. Fresh envelopes, nearly all of them, skip the store (the
    // lookup was 4-5% of a loaded node's main thread).
    const versionBefore = this.deps.stateVersion?.();
    const auths = decoded.map((d) => (d === null ? null : this.deps.authorize(d.env)));
    const committed = await this.committedOf(decoded, auths);
    const candidates: Candidate[] = [];
    /** Signer:seq claimed by an earlier envelope of this same batch. */
    const claimed = new Set<string>();
    decoded.forEach((d, i) => {
      const auth = auths[i];
      if (d === null || auth == null) return;
      if (auth.ok) {
        const r = this.pendingCheck(d, auth.publicKey, i, candidates, claimed);
        if (r !== null) out[i] = r;
      } else if (committed[i]) out[i] = result(UploadStatus.AlreadyCommitted, d.tc);
      else out[i] = reject(d.tc, auth.code, auth.message);
    });
    const ok =
      candidates.length === 0 ? [] : await this.deps.verifier.verifyBatch(candidates.map((c) => c.item));
    const stale =
      versionBefore !== undefined && this.deps.stateVersion?.() !== versionBefore
        ? await this.reauthorize(candidates, ok, out)
        : undefined;
    const added: MempoolEntry[] = [];
    candidates.forEach((c, k) => {
      if (stale?.has(k)) return;
      if (ok[k] !== true) {
        out[c.at] = reject(c.tc, NodeErrorCode.BadSignature, 'envelope signature does not verify');
        return;
      }
      const r = this.deps.mempool.add(c.entry);
      if (r === 'added') {
        added.push(c.entry);
        out[c.at] = result(UploadStatus.Accepted, c.tc);
      } else if (r === 'duplicate') out[c.at] = result(UploadStatus.AlreadyPending, c.tc);
      else if (r === 'replayed')
        out[c.at] = reject(c.tc, NodeErrorCode.Replayed, 'sequence number already pending');
      else out[c.at] = reject(c.tc, NodeErrorCode.MempoolFull, 'mempool full', this.deps.retryAfterMs());
    });
    if (added.length > 0) this.deps.onAdmitted(added);
    if (this.deps.count) for (const r of out) this.deps.count(r.status, r.reason);
    return out;
  }

  /**
   * After a block committed during verification: authorizes the verified candidates again and
   * settles those now refused (ALREADY_COMMITTED when the block held them). Returns their positions.
   */
  private async reauthorize(
    candidates: Candidate[],
    ok: boolean[],
    out: UploadResult[],
  ): Promise<Set<number>> {
    const refused: { k: number; code: NodeErrorCode; message: string }[] = [];
    candidates.forEach((c, k) => {
      if (ok[k] !== true) return;
      const auth = this.deps.authorize(c.env);
      if (!auth.ok) refused.push({ k, code: auth.code, message: auth.message });
    });
    if (refused.length === 0) return new Set();
    const committed = await this.deps.committed(refused.map((r) => candidates[r.k]!.tc));
    refused.forEach((r, j) => {
      const c = candidates[r.k]!;
      out[c.at] = committed[j]
        ? result(UploadStatus.AlreadyCommitted, c.tc)
        : reject(c.tc, r.code, r.message);
    });
    return new Set(refused.map((r) => r.k));
  }

  /** Whether each refused envelope is committed; one batched store lookup, none when nothing was refused. */
  private async committedOf(
    decoded: (Decoded | null)[],
    auths: (Authorization | null)[],
  ): Promise<boolean[]> {
    const refused = (i: number): boolean => decoded[i] != null && auths[i]?.ok === false;
    const tcs: Uint8Array[] = [];
    decoded.forEach((d, i) => {
      if (d !== null && refused(i)) tcs.push(d.tc);
    });
    if (tcs.length === 0) return [];
    const found = await this.deps.committed(tcs);
    let k = 0;
    return decoded.map((_, i) => refused(i) && found[k++] === true);
  }

  /** The checks before the store lookup: a final result, or the decoded envelope to go on with. */
  private decodeCheck(bytes: Uint8Array, kind: EnvelopeKind | undefined): UploadResult | Decoded {
    if (bytes.length > MAX_ENVELOPE_BYTES)
      return reject(
        EMPTY,
        NodeErrorCode.Oversized,
        `envelope of ${bytes.length} bytes > ${MAX_ENVELOPE_BYTES}`,
      );
    let env: Envelope;
    try {
      env = decodeEnvelope(bytes);
    } catch (err) {
      return reject(EMPTY, NodeErrorCode.Malformed, (err as Error).message);
    }
    const tc = envelopeTracingCode(bytes);
    if (kind !== undefined && env.kind !== kind)
      return reject(
        tc,
        NodeErrorCode.Malformed,
        `envelope kind ${EnvelopeKind[env.kind]} is not accepted by this call`,
      );
    if (!bytesEqual(env.chainId, this.chainId))
      return reject(tc, NodeErrorCode.WrongChain, 'envelope bound to another chain');
    const id = hex(tc);
    if (this.deps.mempool.has(id)) return result(UploadStatus.AlreadyPending, tc);
    return { bytes, env, tc, id };
  }

  /** Replay against the mempool and this batch; returns the final result, or null when queued for verification. */
  private pendingCheck(
    { bytes, env, tc, id }: Decoded,
    publicKey: Uint8Array,
    at: number,
    candidates: Candidate[],
    claimed: Set<string>,
  ): UploadResult | null {
    const signer = hex(env.signerKeyId);
    const slot = `${signer}:${env.seq}`;
    const pending = this.deps.mempool.pendingSeq(signer, env.seq);
    if ((pending !== undefined && pending !== id) || claimed.has(slot))
      return reject(tc, NodeErrorCode.Replayed, `sequence number ${env.seq} already pending`);
    claimed.add(slot);
    candidates.push({
      at,
      tc,
      entry: { id, bytes, signer, seq: env.seq },
      env,
      item: {
        publicKey,
        message: envelopeSignedRegion(bytes),
        signature: envelopeSignature(bytes),
      },
    });
    return null;
  }
}
