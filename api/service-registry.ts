// What lets more than one gRPC service share the node's RPC server (same port, same TLS, same
// caps, metrics and error mapping): a service is an ApiService, whose `bind` builds its grpc-js
// definition and implementation from the CallBinder the server hands it. The binder gives every
// unary method the server's bound on calls in progress, the onCall metrics, request decoding
// checks and the ApiError -> status mapping, so a new service writes only its handlers.
// How to add one: docs/rpc.md, "Adding a service".
import type {
  handleUnaryCall,
  ServerUnaryCall,
  ServiceDefinition,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ApiError, ApiErrorCode, toApiError } from './errors.js';
import type { ApiLimits } from './limits.js';
import { toStatus } from './status.js';
import { decodedRequest } from './validate.js';

export type Raw = Record<string, unknown>;

export type UnaryCall = ServerUnaryCall<Raw, unknown>;

export interface CallBinder {
  readonly limits: ApiLimits;
  /**
   * A unary handler: sheds load past limits.maxInFlight (RATE_LIMITED), rejects undecodable
   * requests (INVALID_ARGUMENT), reports the outcome to the metrics, sends errors as statuses.
   */
  unary(method: string, run: (req: Raw, call: UnaryCall) => Promise<unknown>): handleUnaryCall<Raw, unknown>;
  /** Reports a finished streaming call to the metrics (`started` from performance.now()). */
  observe(method: string, started: number, outcome: 'OK' | ApiErrorCode): void;
  /** Any thrown value as the ApiError to send; internal errors are reported for the logs. */
  fail(method: string, err: unknown): ApiError;
}

export interface ServiceBinding {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface ApiService {
  /** Full protobuf name, e.g. "bkdms.v1.Management". */
  readonly name: string;
  bind(binder: CallBinder): ServiceBinding;
  /** The server is stopping: end the streams this service holds open. */
  stop?(): void;
}

export interface BinderHooks {
  onCall?: (method: string, outcome: 'OK' | ApiErrorCode, seconds: number) => void;
  onInternalError?: (method: string, err: unknown) => void;
}

/** The binder of one server; every service bound with it shares one bound on calls in progress. */
export function createBinder(limits: ApiLimits, hooks: BinderHooks): CallBinder {
  let inFlight = 0;
  const observe = (method: string, started: number, outcome: 'OK' | ApiErrorCode): void =>
    hooks.onCall?.(method, outcome, (performance.now() - started) / 1000);
  const fail = (method: string, err: unknown): ApiError => {
    const e = toApiError(err);
    if (e.code === ApiErrorCode.Internal) hooks.onInternalError?.(method, err);
    return e;
  };
  const unary =
    (method: string, run: (req: Raw, call: UnaryCall) => Promise<unknown>): handleUnaryCall<Raw, unknown> =>
    (call: UnaryCall, callback: sendUnaryData<unknown>): void => {
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
        .then(() => run(decodedRequest(call.request), call))
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
  return { limits, unary, observe, fail };
}
