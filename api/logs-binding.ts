// The Logs service (api/logs.proto) on a gRPC server: the proto loaded at run time like
// bkdms.proto (proto.ts), undecodable requests answered INVALID_ARGUMENT, the bytes of each request
// kept for the administrator check, QueryLogs paced by its reader, errors as documented statuses. The handlers are logs-service.ts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ApiError, ApiErrorCode, toApiError } from './errors.js';
import type { LogLineMessage, LogsCaller, LogsHandlers, Raw } from './logs-service.js';
import { findRepoRoot, requestBytesOf, tolerantDefinition, UndecodableRequest } from './proto.js';
import { toStatus } from './status.js';

export const logsProtoPath: string = join(
  findRepoRoot(dirname(fileURLToPath(import.meta.url))),
  'api',
  'logs.proto',
);

let cached: ServiceClientConstructor | undefined;

/** The Logs service's client constructor (its `.service` is the server-side definition). */
export function logsService(): ServiceClientConstructor {
  if (cached) return cached;
  const def = loadSync(logsProtoPath, { keepCase: false, longs: Number, defaults: true, oneofs: false });
  cached = (loadPackageDefinition(def) as unknown as { bkdms: { v1: { Logs: ServiceClientConstructor } } })
    .bkdms.v1.Logs;
  return cached;
}

function requestOf(call: { request: unknown }): Raw {
  if (call.request instanceof UndecodableRequest)
    throw new ApiError(
      ApiErrorCode.InvalidArgument,
      `request bytes are not a ${call.request.method} request`,
    );
  return (call.request ?? {}) as Raw;
}

/** The service as a gRPC server registers it. */
export function logsServiceBinding(h: LogsHandlers): {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
} {
  const callerOf = (
    call: ServerUnaryCall<Raw, unknown> | ServerWritableStream<Raw, LogLineMessage>,
  ): LogsCaller => ({
    peer: call.getPeer(),
    metadata: call.metadata,
    getAuthContext: () => call.getAuthContext(),
    method: call.getPath(),
    requestBytes: requestBytesOf(call.request) ?? new Uint8Array(0),
  });
  const implementation: UntypedServiceImplementation = {
    QueryLogs: (call: ServerWritableStream<Raw, LogLineMessage>) => {
      void (async () => {
        let cancelled = false;
        call.on('cancelled', () => {
          cancelled = true;
        });
        try {
          for await (const line of h.queryLogs(requestOf(call), callerOf(call))) {
            if (cancelled) break;
            // Paced by the reader: a slow client holds the query, not the node's memory.
            if (!call.write(line)) await new Promise((r) => call.once('drain', r));
          }
          call.end();
        } catch (err) {
          call.emit('error', toStatus(toApiError(err)));
        }
      })();
    },
    DeleteLogs: (call: ServerUnaryCall<Raw, unknown>, callback: sendUnaryData<unknown>) => {
      Promise.resolve()
        .then(() => h.deleteLogs(requestOf(call), callerOf(call)))
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(toStatus(toApiError(err))),
        );
    },
  };
  // The tolerant definition keeps each request's bytes: an admin signature covers them as received.
  return { definition: tolerantDefinition(logsService()), implementation };
}
