// Binds a NodeApi to a grpc-js Server: message-size caps at the transport, validation of every
// request, errors as documented statuses, and a bound on open block subscriptions.
import type { handleUnaryCall, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { Server } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { CallContext, NodeApi } from './handlers.js';
import type { ApiLimits } from './limits.js';
import { defaultApiLimits } from './limits.js';
import { ledgerServiceDefinition } from './proto.js';
import { type ApiService, createBinder, type Raw } from './service-registry.js';
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
  /** More services on the same port (api/service-registry.ts), e.g. bkdms.v1.Management. */
  services?: readonly ApiService[];
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

export async function startApiServer(api: NodeApi, opts: ApiServerOptions): Promise<ApiServer> {
  const limits: ApiLimits = { ...defaultApiLimits, ...opts.limits };
  const server = new Server({
    'grpc.max_receive_message_length': limits.maxReceiveBytes,
    'grpc.max_send_message_length': limits.maxSendBytes,
    'grpc.max_concurrent_streams': limits.maxStreamsPerConnection,
    'grpc.keepalive_time_ms': limits.keepaliveMs,
    'grpc.keepalive_timeout_ms': 20_000,
  });

  const binder = createBinder(limits, opts);
  const { observe, fail } = binder;
  const unary = (
    method: string,
    run: (req: Raw, ctx: CallContext) => Promise<unknown>,
  ): handleUnaryCall<Raw, unknown> => binder.unary(method, (req, call) => run(req, { peer: call.getPeer() }));

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
    GetScpKeys: unary('GetScpKeys', (r) => api.getScpKeys(v.boolField(r, 'prove'))),
    GetSite: unary('GetSite', (r) => api.getSite(v.siteKeyIdField(r), v.boolField(r, 'prove'))),
    GetState: unary('GetState', (r) => {
      const q = v.stateRequest(r);
      return api.getState(q.key, q.prove, q.activation);
    }),
    GetHeaders: unary('GetHeaders', (r) => api.getHeaders(v.headersQuery(r))),
    GetConsistencyProof: unary('GetConsistencyProof', async (r) => {
      const { first, second } = v.consistencyRequest(r);
      return { proof: await api.getConsistencyProof(first, second) };
    }),
    GetBlockHashProof: unary('GetBlockHashProof', async (r) => {
      const { height, at } = v.blockHashProofRequest(r);
      return { proof: await api.getBlockHashProof(height, at) };
    }),
    SubscribeBlocks: (call: ServerWritableStream<Raw, unknown>) => {
      const started = performance.now();
      streamBlocks(api, call, slots, buffers, (err) => fail('SubscribeBlocks', err)).then((outcome) =>
        observe('SubscribeBlocks', started, outcome),
      );
    },
  };
  server.addService(ledgerServiceDefinition(), impl);
  const services = opts.services ?? [];
  for (const service of services) {
    const { definition, implementation } = service.bind(binder);
    server.addService(definition, implementation);
  }

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
        for (const service of services) service.stop?.();
      }),
  };
}
