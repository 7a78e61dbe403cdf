// The typed client of a node's RPC port: every call has a deadline, transient failures are
// retried with backoff (honouring the server's hint), failures arrive as ApiError with the
// server's reason, and SubscribeBlocks is an async iterator that resumes after a disconnect.
import type { CallOptions, ChannelOptions, Client, ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import type { KeyId } from '../codec/types.js';
import { defaultApiLimits } from './limits.js';
import { ledgerService } from './proto.js';
import type { RetryDeps, RetryPolicy } from './retry.js';
import { defaultRetryPolicy, realSleep, withRetry } from './retry.js';
import { fromServiceError } from './status.js';
import { resumableBlocks } from './subscribe.js';
import type { ClientTls } from './tls.js';
import { clientCredentials } from './tls.js';
import type {
  BlockEvent,
  CityQuery,
  NodeStatus,
  QueryPage,
  Receipt,
  ScpKeyDirectory,
  SiteInfo,
  SiteQuery,
  TraceBundleBytes,
  UploadResult,
} from './types.js';
import type { ValidatorSource, VerifiedBlock, VerifiedTrace } from './verify.js';
import { verifyCertifiedBlock, verifyTrace } from './verify.js';

export interface ClientOptions {
  /** host:port of the node's RPC listener. */
  address: string;
  tls: ClientTls;
  /** Deadline of each attempt of a unary call (ms). */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Extra grpc channel options (e.g. grpc.ssl_target_name_override for a test certificate). */
  channelOptions?: ChannelOptions;
  /** Injected for tests; Math.random and real timers otherwise. */
  deps?: Partial<RetryDeps>;
}

type UnaryFn = (
  req: unknown,
  md: Metadata,
  opts: CallOptions,
  cb: (err: ServiceError | null, res?: unknown) => void,
) => unknown;
type StreamFn = (req: unknown, md: Metadata, opts: CallOptions) => ClientReadableStream<BlockEvent>;

export const defaultClientDeadlineMs = 10_000;

export class BkdmsClient {
  private readonly raw: Client;
  private readonly deadlineMs: number;
  private readonly policy: RetryPolicy;
  private readonly deps: RetryDeps;

  constructor(opts: ClientOptions) {
    const Ctor = ledgerService();
    this.raw = new Ctor(opts.address, clientCredentials(opts.tls), {
      // A certified block is the largest response the server sends.
      'grpc.max_receive_message_length': defaultApiLimits.maxSendBytes,
      'grpc.max_send_message_length': defaultApiLimits.maxReceiveBytes,
      ...opts.channelOptions,
    });
    this.deadlineMs = opts.deadlineMs ?? defaultClientDeadlineMs;
    this.policy = { ...defaultRetryPolicy, ...opts.retry };
    this.deps = { random: Math.random, sleep: realSleep, ...opts.deps };
  }

  close(): void {
    this.raw.close();
  }

  /** One unary call with a fresh deadline per attempt, retried for transient reasons. */
  private call<T>(method: string, req: unknown, signal?: AbortSignal): Promise<T> {
    const fn = (this.raw as unknown as Record<string, UnaryFn>)[method]!.bind(this.raw);
    const once = (): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        fn(req, new Metadata(), { deadline: Date.now() + this.deadlineMs }, (err, res) =>
          err ? reject(fromServiceError(err)) : resolve(res as T),
        );
      });
    return withRetry(once, this.policy, this.deps, signal);
  }

  /** Admits one upload envelope; a refusal throws ApiError with the reason. Re-sends succeed. */
  upload(envelope: Uint8Array): Promise<UploadResult> {
    return this.call('Upload', { envelope });
  }

  /** One result per envelope, in order; rejected ones carry their reason. */
  async uploadBatch(envelopes: Uint8Array[]): Promise<UploadResult[]> {
    return (await this.call<{ results: UploadResult[] }>('UploadBatch', { envelopes })).results;
  }

  submitGovernance(envelope: Uint8Array): Promise<UploadResult> {
    return this.call('SubmitGovernance', { envelope });
  }

  getStatus(): Promise<NodeStatus> {
    return this.call('GetStatus', {});
  }

  /** The raw bundle as one node serves it; see api/verify.ts to check it against a validator set. */
  trace(tracingCode: Uint8Array): Promise<TraceBundleBytes> {
    return this.call('Trace', { tracingCode });
  }

  getReceipt(tracingCode: Uint8Array): Promise<Receipt> {
    return this.call('GetReceipt', { tracingCode });
  }

  queryBySite(q: SiteQuery): Promise<QueryPage> {
    return this.call('QueryBySite', q);
  }

  queryByCity(q: CityQuery): Promise<QueryPage> {
    return this.call('QueryByCity', q);
  }

  /** Encoded CertifiedBlock at `height`. */
  async getBlock(height: number): Promise<Uint8Array> {
    return (await this.call<BlockEvent>('GetBlock', { height })).certifiedBlock;
  }

  /** A trace checked against `validators`: throws VERIFICATION_FAILED unless it proves the commit. */
  async traceVerified(tracingCode: Uint8Array, validators: ValidatorSource): Promise<VerifiedTrace> {
    return verifyTrace(await this.trace(tracingCode), tracingCode, validators);
  }

  /** A block checked against `validators` (height, body, certificate). */
  async getBlockVerified(height: number, validators: ValidatorSource): Promise<VerifiedBlock> {
    return verifyCertifiedBlock(await this.getBlock(height), height, validators);
  }

  getScpKeys(): Promise<ScpKeyDirectory> {
    return this.call('GetScpKeys', {});
  }

  getSite(siteKeyId: KeyId): Promise<SiteInfo> {
    return this.call('GetSite', { siteKeyId });
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

  /** subscribeBlocks with each block verified against `validators`; a bad block ends the loop. */
  async *subscribeVerified(
    fromHeight: number,
    validators: ValidatorSource,
    signal?: AbortSignal,
  ): AsyncGenerator<VerifiedBlock> {
    for await (const ev of this.subscribeBlocks(fromHeight, signal))
      yield verifyCertifiedBlock(ev.certifiedBlock, ev.height, validators);
  }
}
