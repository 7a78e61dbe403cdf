// The typed client of a node's RPC port: every call has a deadline, transient failures are
// retried with backoff (honouring the server's hint), failures arrive as ApiError with the
// server's reason, and SubscribeBlocks is an async iterator that resumes after a disconnect.
import type {
  CallOptions,
  ChannelOptions,
  Client,
  ClientReadableStream,
  ClientUnaryCall,
  ServiceError,
} from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import type { Hash32, KeyId } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import type { ConsistencyProof, InclusionProof } from '../crypto/merkle.js';
import {
  type AdminsRecord,
  K,
  type ParamsJson,
  type Scheduled,
  type SeqRecord,
  type SiteRecord,
} from '../ledger/records.js';
import { EMPTY_WINDOW } from '../ledger/seq-window.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { type LogHead, verifyBlockHashAnswer, verifyConsistencyAnswer } from './hash-log-verify.js';
import { defaultApiLimits } from './limits.js';
import { ledgerService } from './proto.js';
import type { RetryDeps, RetryPolicy } from './retry.js';
import { defaultRetryPolicy, realSleep, withRetry } from './retry.js';
import {
  adminsOf,
  type ProposalEntry,
  parseJson,
  proposalsOf,
  scheduleOf,
  scpKeysOf,
  siteInfoOf,
} from './state-values.js';
import { fromServiceError } from './status.js';
import { resumableBlocks } from './subscribe.js';
import type { ClientTls } from './tls.js';
import { clientCredentials } from './tls.js';
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
import type { Proven, VerifiedScpKeys, VerifiedSite, VerifiedState } from './verified-state.js';
import type { TrustAnchor, VerifiedBlock, VerifiedTrace } from './verify.js';
import { verifyCertifiedBlock, verifyTrace } from './verify.js';
import { verifyStateAnswer } from './verify-state.js';

export interface ClientOptions {
  /** host:port of the node's RPC listener. */
  address: string;
  tls: ClientTls;
  /** Deadline of each attempt of a unary call (ms). */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Extra grpc channel options (e.g. grpc.ssl_target_name_override for a test certificate); they
   * win over the defaults of channelOptionsOf, the reconnect backoff bounds included.
   */
  channelOptions?: ChannelOptions;
  /** Injected for tests; Math.random and real timers otherwise. */
  deps?: Partial<RetryDeps>;
}

type UnaryFn = (
  req: unknown,
  md: Metadata,
  opts: CallOptions,
  cb: (err: ServiceError | null, res?: unknown) => void,
) => ClientUnaryCall;

/** Per-call overrides: another deadline per attempt, and a signal that cancels the call and its retries. */
export interface CallOpts {
  deadlineMs?: number;
  signal?: AbortSignal;
}
type StreamFn = (req: unknown, md: Metadata, opts: CallOptions) => ClientReadableStream<BlockEvent>;

export const defaultClientDeadlineMs = 10_000;

/**
 * Bounds of grpc-js's reconnect backoff, whose default grows to 120 s. Clients of one node share
 * its connection (grpc-js pools subchannels by address and options), and while that connection
 * waits out its backoff every call fails at once without trying the node: after a chain outage a
 * site (upload backoff up to 30 s) or the platform would wait up to two minutes for a node that is
 * back. Capped like the client's own retries (5 s).
 */
export const defaultReconnectBackoffMs = { initial: 1_000, max: 5_000 } as const;

/** The channel options a client is built with: message size caps, reconnect backoff, then the caller's. */
export function channelOptionsOf(extra: ChannelOptions = {}): ChannelOptions {
  return {
    // A certified block is the largest response the server sends.
    'grpc.max_receive_message_length': defaultApiLimits.maxSendBytes,
    'grpc.max_send_message_length': defaultApiLimits.maxReceiveBytes,
    'grpc.initial_reconnect_backoff_ms': defaultReconnectBackoffMs.initial,
    'grpc.max_reconnect_backoff_ms': defaultReconnectBackoffMs.max,
    ...extra,
  };
}

export class BkdmsClient {
  private readonly raw: Client;
  private readonly deadlineMs: number;
  private readonly policy: RetryPolicy;
  private readonly deps: RetryDeps;

  constructor(opts: ClientOptions) {
    const Ctor = ledgerService();
    this.raw = new Ctor(opts.address, clientCredentials(opts.tls), channelOptionsOf(opts.channelOptions));
    this.deadlineMs = opts.deadlineMs ?? defaultClientDeadlineMs;
    this.policy = { ...defaultRetryPolicy, ...opts.retry };
    this.deps = { random: Math.random, sleep: realSleep, ...opts.deps };
  }

  close(): void {
    this.raw.close();
  }

  /** One unary call with a fresh deadline per attempt, retried for transient reasons. */
  private call<T>(method: string, req: unknown, opts: CallOpts = {}): Promise<T> {
    const fn = (this.raw as unknown as Record<string, UnaryFn>)[method]!.bind(this.raw);
    const { signal } = opts;
    const deadlineMs = opts.deadlineMs ?? this.deadlineMs;
    const once = (): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (signal?.aborted) return reject(new ApiError(ApiErrorCode.Cancelled, 'aborted by the caller'));
        const onAbort = (): void => c.cancel();
        const c = fn(req, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
          signal?.removeEventListener('abort', onAbort);
          if (!err) resolve(res as T);
          // Our own cancel comes back as CANCELLED, which would otherwise read as a transport failure.
          else
            reject(
              signal?.aborted
                ? new ApiError(ApiErrorCode.Cancelled, 'aborted by the caller')
                : fromServiceError(err),
            );
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    return withRetry(once, this.policy, this.deps, signal);
  }

  /** Admits one upload envelope; a refusal throws ApiError with the reason. Re-sends succeed. */
  upload(envelope: Uint8Array, opts?: CallOpts): Promise<UploadResult> {
    return this.call('Upload', { envelope }, opts);
  }

  /** One result per envelope, in order; rejected ones carry their reason. */
  async uploadBatch(envelopes: Uint8Array[], opts?: CallOpts): Promise<UploadResult[]> {
    return (await this.call<{ results: UploadResult[] }>('UploadBatch', { envelopes }, opts)).results;
  }

  submitGovernance(envelope: Uint8Array, opts?: CallOpts): Promise<UploadResult> {
    return this.call('SubmitGovernance', { envelope }, opts);
  }

  getStatus(opts?: CallOpts): Promise<NodeStatus> {
    return this.call('GetStatus', {}, opts);
  }

  /** The raw bundle as one node serves it; see api/verify.ts to check it against a validator set. */
  trace(tracingCode: Uint8Array, opts?: CallOpts): Promise<TraceBundleBytes> {
    return this.call('Trace', { tracingCode }, opts);
  }

  getReceipt(tracingCode: Uint8Array, opts?: CallOpts): Promise<ReceiptView> {
    return this.call('GetReceipt', { tracingCode }, opts);
  }

  queryBySite(q: SiteQuery, opts?: CallOpts): Promise<QueryPage> {
    return this.call('QueryBySite', q, opts);
  }

  queryByCity(q: CityQuery, opts?: CallOpts): Promise<QueryPage> {
    return this.call('QueryByCity', q, opts);
  }

  /** Encoded CertifiedBlock at `height`. */
  async getBlock(height: number, opts?: CallOpts): Promise<Uint8Array> {
    return (await this.call<BlockEvent>('GetBlock', { height }, opts)).certifiedBlock;
  }

  /** A trace checked against the caller's trust anchor (chain ID, validators): throws VERIFICATION_FAILED unless it proves the commit. */
  async traceVerified(tracingCode: Uint8Array, trust: TrustAnchor, opts?: CallOpts): Promise<VerifiedTrace> {
    return verifyTrace(await this.trace(tracingCode, opts), tracingCode, trust);
  }

  /** A block checked against the trust anchor (height, chain, body, certificate). */
  async getBlockVerified(height: number, trust: TrustAnchor, opts?: CallOpts): Promise<VerifiedBlock> {
    return verifyCertifiedBlock(await this.getBlock(height, opts), height, trust);
  }

  /** With `prove`, the answer carries its proof (check it with getScpKeysVerified instead). */
  getScpKeys(opts?: CallOpts, prove = false): Promise<ScpKeyDirectory> {
    return this.call('GetScpKeys', { prove }, opts);
  }

  getSite(siteKeyId: KeyId, opts?: CallOpts, prove = false): Promise<SiteInfo> {
    return this.call('GetSite', { siteKeyId, prove }, opts);
  }

  /** One contract-state key or every entry of a group prefix ("scp/", "gov/proposal/"). */
  getState(key: string, prove = false, opts?: CallOpts): Promise<StateAnswer> {
    return this.call('GetState', { key, prove }, opts);
  }

  /**
   * The proof a node kept of the validator-set change activating at `activation`: the schedule
   * against header activation - 1, certified by the set before the change (api/light-client.ts).
   */
  getValidatorChange(activation: number, opts?: CallOpts): Promise<StateAnswer> {
    return this.call('GetState', { key: K.validators, prove: true, activation }, opts);
  }

  /** A key or group, proven against a certified header of `trust`'s chain and validators. */
  async getStateVerified(key: string, trust: TrustAnchor, opts?: CallOpts): Promise<VerifiedState> {
    const p = verifyStateAnswer((await this.getState(key, true, opts)).proof, [key], trust);
    return { ...p, entries: p.entries[0] ?? [] };
  }

  /** The SCP key directory (non-retired keys), proven complete. */
  async getScpKeysVerified(trust: TrustAnchor, opts?: CallOpts): Promise<VerifiedScpKeys> {
    const p = verifyStateAnswer((await this.getScpKeys(opts, true)).proof, [K.scpPrefix], trust);
    return { ...p, keys: scpKeysOf(p.entries[0] ?? []) };
  }

  /** A site's registration (undefined when proven absent) and its committed sequence number. */
  async getSiteVerified(siteKeyId: KeyId, trust: TrustAnchor, opts?: CallOpts): Promise<VerifiedSite> {
    const id = toHex(siteKeyId);
    const keys = [K.site(id), K.seq(id)];
    const answer = await this.getSite(siteKeyId, opts, true);
    const p = verifyStateAnswer(answer.proof, keys, trust);
    const [site] = p.entries[0] ?? [];
    const [seq] = p.entries[1] ?? [];
    const record = seq === undefined ? undefined : parseJson<SeqRecord>(seq.value);
    return {
      ...p,
      site: site === undefined ? undefined : siteInfoOf(siteKeyId, parseJson<SiteRecord>(site.value)),
      lastCommittedSeq: record?.hwm ?? 0,
      seqWindow:
        record === undefined ? EMPTY_WINDOW : { hwm: record.hwm, mask: BigInt(`0x${record.mask || '0'}`) },
      unprovenPendingSeq: answer.lastPendingSeq,
    };
  }

  /** Chain parameters: every scheduled activation (scheduledAt picks the one in force). */
  async getParamsVerified(trust: TrustAnchor, opts?: CallOpts): Promise<Proven<Scheduled<ParamsJson>[]>> {
    const p = await this.getStateVerified(K.params, trust, opts);
    return { ...p, value: scheduleOf<ParamsJson>(p.entries) };
  }

  /** The validator schedule: public keys (hex) in set order, per activation height. */
  async getValidatorsVerified(trust: TrustAnchor, opts?: CallOpts): Promise<Proven<Scheduled<string[]>[]>> {
    const p = await this.getStateVerified(K.validators, trust, opts);
    return { ...p, value: scheduleOf<string[]>(p.entries) };
  }

  async getAdminsVerified(trust: TrustAnchor, opts?: CallOpts): Promise<Proven<AdminsRecord | undefined>> {
    const p = await this.getStateVerified(K.admins, trust, opts);
    return { ...p, value: adminsOf(p.entries) };
  }

  /** Every open proposal, proven complete (expired ones stay until touched, see docs/rpc.md). */
  async getProposalsVerified(trust: TrustAnchor, opts?: CallOpts): Promise<Proven<ProposalEntry[]>> {
    const p = await this.getStateVerified(K.proposal(''), trust, opts);
    return { ...p, value: proposalsOf(p.entries) };
  }

  /**
   * One page of certified headers from `fromHeight` (to the tip, or `toHeight`); check them with
   * api/header-chain.ts or hash-log-verify.ts's verifyCertifiedHeader. Unverified.
   */
  getHeaders(q: Partial<HeadersQuery> & { fromHeight: number }, opts?: CallOpts): Promise<HeadersPage> {
    const toHeight = q.toHeight === undefined || q.toHeight >= Number.MAX_SAFE_INTEGER ? 0 : q.toHeight;
    return this.call('GetHeaders', { fromHeight: q.fromHeight, toHeight, maxCount: q.maxCount ?? 0 }, opts);
  }

  /**
   * The consistency proof between the block-hash logs of two headers the caller holds as certified
   * (verified with their certificates), checked against both roots: throws VERIFICATION_FAILED
   * unless the second log extends the first.
   */
  async consistencyProofVerified(
    first: LogHead,
    second: LogHead,
    opts?: CallOpts,
  ): Promise<ConsistencyProof> {
    const res = await this.call<{ proof: Uint8Array }>(
      'GetConsistencyProof',
      { firstHeight: first.height, secondHeight: second.height },
      opts,
    );
    return verifyConsistencyAnswer(res.proof, first, second);
  }

  /** The encoded inclusion proof of block `height`'s hash in header `at`'s log, unverified. */
  async getBlockHashProof(height: number, at: number, opts?: CallOpts): Promise<Uint8Array> {
    return (await this.call<{ proof: Uint8Array }>('GetBlockHashProof', { height, atHeight: at }, opts))
      .proof;
  }

  /**
   * The proof that block `height` has hash `blockHash`, in the block-hash log of a header `at`
   * the caller holds as certified; VERIFICATION_FAILED unless it leads to that header's log root.
   */
  async blockHashProofVerified(
    height: number,
    blockHash: Hash32,
    at: LogHead,
    opts?: CallOpts,
  ): Promise<InclusionProof> {
    return verifyBlockHashAnswer(
      await this.getBlockHashProof(height, at.height, opts),
      height,
      blockHash,
      at,
    );
  }

  /**
   * Every certified block from `fromHeight` on, in order, resuming from the last height seen after
   * a disconnect. Ends when `signal` aborts or the caller breaks out of the loop.
   */
  subscribeBlocks(fromHeight: number, signal?: AbortSignal): AsyncGenerator<BlockEvent> {
    const fn = (this.raw as unknown as Record<string, StreamFn>).SubscribeBlocks!.bind(this.raw);
    return resumableBlocks(
      (from) => fn({ fromHeight: from }, new Metadata(), {}),
      fromHeight,
      this.policy,
      this.deps,
      signal,
    );
  }

  /** subscribeBlocks with each block verified against the trust anchor; a bad block ends the loop. */
  async *subscribeVerified(
    fromHeight: number,
    trust: TrustAnchor,
    signal?: AbortSignal,
  ): AsyncGenerator<VerifiedBlock> {
    for await (const ev of this.subscribeBlocks(fromHeight, signal))
      yield verifyCertifiedBlock(ev.certifiedBlock, ev.height, trust);
  }
}
