// Binds a NodeApi to a grpc-js Server: message-size caps at the transport, validation of every
// request, errors as documented statuses, and a bound on open block subscriptions.
import type {
  handleUnaryCall,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Server } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode, toApiError } from './errors.js';
import type { CallContext, NodeApi } from './handlers.js';
import type { ApiLimits } from './limits.js';
import { defaultApiLimits } from './limits.js';
import { ledgerServiceDefinition } from './proto.js';
import { toStatus } from './status.js';
import { StreamSlots, streamBlocks } from './stream.js';
import { StreamBuffers } from './stream-buffers.js';
import type { ServerTls } from './tls.js';
import { serverCredentials } from './tls.js';
import { acceptedOrThrow } from './upload-result.js';
import * as v from './validate.js';

export interface ApiServerOptions {
  /** host:port; port 0 picks a free one (see ApiServer.port). */
  listen: string;
  tls: ServerTls;
  limits?: Partial<ApiLimits>;
  /** Called once per finished call, for metrics: method, 'OK' or the reason, duration in seconds. */
  onCall?: (method: string, outcome: 'OK' | ApiErrorCode, seconds: number) => void;
  /** Called with the original error when a handler fails with an internal error, for logs. */
  onInternalError?: (method: string, err: unknown) => void;
  /** Further services served on the same port (the Logs service, api/logs-binding.ts). */
  services?: { definition: ServiceDefinition; implementation: UntypedServiceImplementation }[];
}

export interface ApiServer {
  readonly port: number;
  readonly limits: ApiLimits;
  /**
   * Block subscriptions: how many are open, the bytes written to them that their subscribers
   * have not read yet, and how many are waiting for their subscriber to read.
   */
  subscriptions(): { open: number; bufferedBytes: number; waiting: number };
  /**
   * Stops accepting calls, ends block subscriptions with STOPPED, lets running unary calls finish
   * for up to graceMs, then cuts the rest.
   */
  stop(graceMs?: number): Promise<void>;
}

type Raw = Record<string, unknown>;

export async function startApiServer(api: NodeApi, opts: ApiServerOptions): Promise<ApiServer> {
  const limits: ApiLimits = { ...defaultApiLimits, ...opts.limits };
  const server = new Server({
    'grpc.max_receive_message_length': limits.maxReceiveBytes,
    'grpc.max_send_message_length': limits.maxSendBytes,
    'grpc.max_concurrent_streams': limits.maxStreamsPerConnection,
    'grpc.keepalive_time_ms': limits.keepaliveMs,
    'grpc.keepalive_timeout_ms': 20_000,
  });

  const observe = (method: string, started: number, outcome: 'OK' | ApiErrorCode): void =>
    opts.onCall?.(method, outcome, (performance.now() - started) / 1000);
  const fail = (method: string, err: unknown): ApiError => {
    const e = toApiError(err);
    if (e.code === ApiErrorCode.Internal) opts.onInternalError?.(method, err);
    return e;
  };

  let inFlight = 0;
  function unary(
    method: string,
    run: (req: Raw, ctx: CallContext) => Promise<unknown>,
  ): handleUnaryCall<Raw, unknown> {
    return (call: ServerUnaryCall<Raw, unknown>, callback: sendUnaryData<unknown>): void => {
      const started = performance.now();
      // Bounded work in progress: a node that falls behind sheds load instead of queueing it.
      if (inFlight >= limits.maxInFlight) {
        const e = new ApiError(ApiErrorCode.RateLimited, 'node busy', {}, limits.busyRetryAfterMs);
        observe(method, started, e.code);
        callback(toStatus(e));
        return;
      }
      inFlight++;
      Promise.resolve()
        .then(() => run(v.decodedRequest(call.request), { peer: call.getPeer() }))
        .finally(() => {
          inFlight--;
        })
        .then(
          (res) => {
            observe(method, started, 'OK');
            callback(null, res);
          },
          (err: unknown) => {
            const e = fail(method, err);
            observe(method, started, e.code);
            callback(toStatus(e));
          },
        );
    };
  }

  const slots = new StreamSlots(limits.maxSubscriptions, limits.streamRetryAfterMs);
  const buffers = new StreamBuffers(
    limits.maxStreamBufferBytes,
    limits.maxSubscriptionBufferBytes,
    limits.streamRetryAfterMs,
  );
  const impl: UntypedServiceImplementation = {
    Upload: unary('Upload', async (r, ctx) => {
      const [res] = await api.uploadBatch([v.envelopeField(r, limits)], ctx);
      return acceptedOrThrow(res);
    }),
    UploadBatch: unary('UploadBatch', async (r, ctx) => {
      const envelopes = v.envelopeList(r, limits);
      const results = await api.uploadBatch(envelopes, ctx);
      if (results.length !== envelopes.length)
        throw new ApiError(ApiErrorCode.Internal, 'uploadBatch returned a wrong count');
      return { results };
    }),
    SubmitGovernance: unary('SubmitGovernance', async (r, ctx) =>
      acceptedOrThrow(await api.submitGovernance(v.envelopeField(r, limits), ctx)),
    ),
    GetStatus: unary('GetStatus', () => api.getStatus()),
    Trace: unary('Trace', (r) => api.trace(v.tracingCodeField(r))),
    GetReceipt: unary('GetReceipt', (r) => api.getReceipt(v.tracingCodeField(r))),
    QueryBySite: unary('QueryBySite', (r) => api.queryBySite(v.siteQuery(r, limits))),
    QueryByCity: unary('QueryByCity', (r) => api.queryByCity(v.cityQuery(r, limits))),
    GetBlock: unary('GetBlock', async (r) => {
      const height = v.heightField(r, 'height');
      return { height, certifiedBlock: await api.getBlock(height) };
    }),
    GetScpKeys: unary('GetScpKeys', () => api.getScpKeys()),
    GetSite: unary('GetSite', (r) => api.getSite(v.siteKeyIdField(r))),
    SubscribeBlocks: (call: ServerWritableStream<Raw, unknown>) => {
      const started = performance.now();
      streamBlocks(api, call, slots, buffers, (err) => fail('SubscribeBlocks', err)).then((outcome) =>
        observe('SubscribeBlocks', started, outcome),
      );
    },
  };
  server.addService(ledgerServiceDefinition(), impl);
  for (const svc of opts.services ?? []) server.addService(svc.definition, svc.implementation);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(opts.listen, serverCredentials(opts.tls), (err, p) => (err ? reject(err) : resolve(p))),
  );

  return {
    port,
    limits,
    subscriptions: () => ({
      open: slots.active,
      bufferedBytes: buffers.bufferedBytes,
      waiting: buffers.waiting,
    }),
    stop: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
        slots.stopAll();
      }),
  };
}
