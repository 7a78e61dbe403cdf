// Admission of envelopes into the mempool, in the order of DESIGN §3 step 5: size cap (before
// anything else) -> decode -> chain -> already pending -> authorization and replay against committed
// state -> already in a block (applied or refused at execution: one tracing code, one block) -> the
// mempool -> signature (batched on the verification pool) -> mempool. Used for RPC uploads and for
// envelopes gossiped by peers.
import { type UploadResult, UploadStatus } from '../../api/types.js';
import { MAX_ENVELOPE_BYTES } from '../../codec/caps.js';
import { decodeEnvelope } from '../../codec/envelope.js';
import { envelopeSignature, envelopeSignedRegion } from '../../codec/envelope-view.js';
import { type Envelope, EnvelopeKind } from '../../codec/types.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { hexOfKeyId } from '../../crypto/key-id-hex.js';
import type { VerifyItem } from '../../crypto/verify-pool.js';
import type { Mempool, MempoolEntry } from '../chain/mempool.js';
import { envelopeTracingCode } from '../chain/tx-hash.js';
import { type TxRef, txRefOf } from '../chain/tx-ref.js';
import { NodeErrorCode } from '../errors.js';

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
  /**
   * What a block recorded for each envelope, in order (one batched lookup in the store): '' when
   * applied, else the reason it was refused at execution; undefined when no block holds it.
   * `refusedOnly`: the envelopes passed authorization, so none was applied (an applied one's
   * sequence number is spent): only refusals at execution need looking for.
   */
  recorded(tracingCodes: Uint8Array[], refusedOnly: boolean): Promise<(string | undefined)[]>;
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
  /**
   * What a committed block recorded for this very byte array ('' applied, else the refusal), or
   * undefined: asked first for envelopes of any kind, so such an envelope is answered
   * ALREADY_COMMITTED without being decoded, authorized or looked up (gossip admission: a replica
   * often commits a block built from envelopes still queued here; node/chain/committed-envelopes.ts).
   */
  committed?(bytes: Uint8Array): string | undefined;
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

/**
 * A block holds the envelope: final, whatever it would get now. `reason` carries the result the
 * block recorded ('' applied, else the contract's reason for refusing it at execution).
 */
const inBlock = (tc: Uint8Array, recorded: string): UploadResult =>
  result(
    UploadStatus.AlreadyCommitted,
    tc,
    recorded,
    recorded === '' ? '' : `in a block already, refused at execution: ${recorded}`,
  );

interface Decoded {
  /** The envelope's identity, made once here and carried into the mempool entry. */
  ref: TxRef;
  env: Envelope;
  tc: Uint8Array;
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
    // number is spent in its signer's replay window, so the contract refuses it: refused envelopes
    // are looked up in the store (applied or refused at execution), which turns a re-send of a
    // committed envelope into the idempotent ALREADY_COMMITTED. An authorized envelope can only be
    // in a block refused at execution (an upload refused so leaves its sequence number unspent);
    // the store answers that without a read while no envelope was ever refused at execution (the
    // lookup of every envelope was 4-5% of a loaded node's main thread).
    const versionBefore = this.deps.stateVersion?.();
    const auths = decoded.map((d) => (d === null ? null : this.deps.authorize(d.env)));
    const recorded = await this.recordedOf(decoded, auths);
    const candidates: Candidate[] = [];
    /** Signer:seq -> the earlier envelope of this same batch that claimed it. */
    const claimed = new Map<string, { id: string; at: number }>();
    /** Copies of an envelope already earlier in this batch: [position, position of the first]. */
    const copies: [number, number][] = [];
    decoded.forEach((d, i) => {
      const auth = auths[i];
      if (d === null || auth == null) return;
      const rec = recorded[i];
      if (rec !== undefined) out[i] = inBlock(d.tc, rec);
      else if (auth.ok) {
        const r = this.pendingCheck(d, auth.publicKey, i, candidates, claimed);
        if (typeof r === 'number') copies.push([i, r]);
        else if (r !== null) out[i] = r;
      } else out[i] = reject(d.tc, auth.code, auth.message);
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
    // A second copy of the same bytes gets the first one's answer; the copy of one just admitted
    // is the same envelope, pending (never REPLAYED: a site re-makes a reading refused so).
    for (const [at, first] of copies) {
      const f = out[first]!;
      out[at] =
        f.status === UploadStatus.Accepted ? result(UploadStatus.AlreadyPending, f.tracingCode) : { ...f };
    }
    if (added.length > 0) this.deps.onAdmitted(added);
    if (this.deps.count) for (const r of out) this.deps.count(r.status, r.reason);
    return out;
  }

  /**
   * After a block committed during verification: authorizes the verified candidates again and
   * settles those a block holds (ALREADY_COMMITTED with its result) or that are now refused,
   * looked up as in admit(). Returns their positions.
   */
  private async reauthorize(
    candidates: Candidate[],
    ok: boolean[],
    out: UploadResult[],
  ): Promise<Set<number>> {
    const verified = candidates.flatMap((c, k) =>
      ok[k] === true ? [{ c, k, auth: this.deps.authorize(c.env) }] : [],
    );
    const settled = new Set<number>();
    for (const refused of [true, false]) {
      const these = verified.filter((v) => v.auth.ok === !refused);
      if (these.length === 0) continue;
      const recorded = await this.deps.recorded(
        these.map((v) => v.c.tc),
        !refused,
      );
      these.forEach(({ c, k, auth }, j) => {
        const rec = recorded[j];
        if (rec !== undefined) out[c.at] = inBlock(c.tc, rec);
        else if (!auth.ok) out[c.at] = reject(c.tc, auth.code, auth.message);
        else return;
        settled.add(k);
      });
    }
    return settled;
  }

  /**
   * What a block recorded for each envelope (undefined: in no block, or not looked up): refused
   * ones are looked up fully, authorized ones for refusals at execution only; one store call each.
   */
  private async recordedOf(
    decoded: (Decoded | null)[],
    auths: (Authorization | null)[],
  ): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = new Array(decoded.length);
    for (const refused of [true, false]) {
      const at = decoded.flatMap((d, i) => (d !== null && auths[i]?.ok === !refused ? [i] : []));
      if (at.length === 0) continue;
      const found = await this.deps.recorded(
        at.map((i) => decoded[i]!.tc),
        !refused,
      );
      at.forEach((i, k) => {
        out[i] = found[k];
      });
    }
    return out;
  }

  /** The checks before the store lookup: a final result, or the decoded envelope to go on with. */
  private decodeCheck(bytes: Uint8Array, kind: EnvelopeKind | undefined): UploadResult | Decoded {
    if (kind === undefined) {
      const rec = this.deps.committed?.(bytes);
      if (rec !== undefined) return inBlock(envelopeTracingCode(bytes), rec);
    }
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
    const ref = txRefOf(bytes);
    const tc = ref.code;
    if (kind !== undefined && env.kind !== kind)
      return reject(
        tc,
        NodeErrorCode.Malformed,
        `envelope kind ${EnvelopeKind[env.kind]} is not accepted by this call`,
      );
    if (!bytesEqual(env.chainId, this.chainId))
      return reject(tc, NodeErrorCode.WrongChain, 'envelope bound to another chain');
    if (this.deps.mempool.has(ref.key)) return result(UploadStatus.AlreadyPending, tc);
    return { ref, env, tc };
  }

  /**
   * Replay against the mempool and this batch; returns the final result, null when queued for
   * verification, or the position of the same envelope earlier in the batch.
   */
  private pendingCheck(
    { ref, env, tc }: Decoded,
    publicKey: Uint8Array,
    at: number,
    candidates: Candidate[],
    claimed: Map<string, { id: string; at: number }>,
  ): UploadResult | number | null {
    const { bytes, key: id } = ref;
    const signer = hexOfKeyId(env.signerKeyId);
    const slot = `${signer}:${env.seq}`;
    const earlier = claimed.get(slot);
    if (earlier?.id === id) return earlier.at;
    const pending = this.deps.mempool.pendingSeq(signer, env.seq);
    if ((pending !== undefined && pending !== id) || earlier !== undefined)
      return reject(tc, NodeErrorCode.Replayed, `sequence number ${env.seq} already pending`);
    claimed.set(slot, { id, at });
    candidates.push({
      at,
      tc,
      entry: { id, bytes, code: ref.code, signer, seq: env.seq },
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
