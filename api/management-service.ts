// Binds a ManagementApi to the node's gRPC server as bkdms.v1.Management (api/management.proto),
// through the service registry: same port, TLS, load shedding, metrics and error mapping as the
// Ledger service. SetLogLevel and BackupNode pass requireAdmin first; every call is logged with its caller.
import type { ServerWritableStream } from '@grpc/grpc-js';
import { RuntimeError } from '../runtime/errors.js';
import type { AdminAuth } from './admin-auth.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { ManagementApi, NodeSample } from './management-types.js';
import { loadService, requestBytesOf, tolerantDefinition } from './proto.js';
import type { ApiService, CallBinder, Raw, UnaryCall } from './service-registry.js';
import { toStatus } from './status.js';
import { decodedRequest } from './validate.js';

export const MANAGEMENT_PROTO = 'management.proto';

export function managementService() {
  return loadService(MANAGEMENT_PROTO, 'Management');
}

export interface ManagementServiceOptions {
  /** Time between two WatchNode samples (ms); 1000 unless a test shortens it. */
  sampleIntervalMs?: number;
  /** WatchNode streams open at once; past it TOO_MANY_STREAMS. Default 16. */
  maxWatchers?: number;
}

const MAX_SPEC_CHARS = 1024;
const MAX_PATH_CHARS = 4096;

function specField(r: Raw): string {
  const v = r.spec;
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_SPEC_CHARS)
    throw new ApiError(
      ApiErrorCode.InvalidArgument,
      `spec must be a log spec of 1 to ${MAX_SPEC_CHARS} characters`,
      {
        field: 'spec',
      },
    );
  return v.trim();
}

/** Caller of a call for the log: its address and, over mutual TLS, its certificate's fingerprint. */
function callerOf(call: UnaryCall | ServerWritableStream<Raw, unknown>): { peer: string; cert?: string } {
  const fp = call.getAuthContext()?.sslPeerCertificate?.fingerprint256;
  return fp === undefined ? { peer: call.getPeer() } : { peer: call.getPeer(), cert: fp };
}

export class ManagementService implements ApiService {
  readonly name = 'bkdms.v1.Management';
  private readonly watchers = new Set<() => void>();
  private readonly intervalMs: number;
  private readonly maxWatchers: number;

  constructor(
    private readonly api: ManagementApi,
    private readonly auth: Pick<AdminAuth, 'requireAdmin'>,
    opts: ManagementServiceOptions = {},
  ) {
    this.intervalMs = opts.sampleIntervalMs ?? 1000;
    this.maxWatchers = opts.maxWatchers ?? 16;
  }

  bind(b: CallBinder) {
    const api = this.api;
    const implementation = {
      GetNodeInfo: b.unary('GetNodeInfo', async (_r, call) => {
        api.logCall('GetNodeInfo', callerOf(call));
        return api.getNodeInfo();
      }),
      ListPeers: b.unary('ListPeers', async (_r, call) => {
        api.logCall('ListPeers', callerOf(call));
        return api.listPeers();
      }),
      SetLogLevel: b.unary('SetLogLevel', async (r, call) => {
        const admin = this.admin('SetLogLevel', call);
        const spec = specField(r);
        try {
          return { spec: api.setLogSpec(spec, { id: admin }), admin };
        } catch (err) {
          if (err instanceof RuntimeError)
            throw new ApiError(ApiErrorCode.InvalidArgument, err.message, { field: 'spec' });
          throw err;
        }
      }),
      BackupNode: b.unary('BackupNode', async (r, call) => {
        const admin = this.admin('BackupNode', call);
        const path = r.path;
        if (typeof path !== 'string' || path === '' || path.length > MAX_PATH_CHARS)
          throw new ApiError(ApiErrorCode.InvalidArgument, `path must be 1 to ${MAX_PATH_CHARS} characters`, {
            field: 'path',
          });
        try {
          return { ...(await api.backupNode(path, { id: admin })), admin };
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          if (code === 'BAD_CONFIG')
            throw new ApiError(ApiErrorCode.InvalidArgument, (err as Error).message, { field: 'path' });
          throw err;
        }
      }),
      WatchNode: (call: ServerWritableStream<Raw, unknown>) => this.watch(b, call),
    };
    return { definition: tolerantDefinition(managementService()), implementation };
  }

  /** WatchNode streams open now. */
  get watching(): number {
    return this.watchers.size;
  }

  /** requireAdmin over the call's request bytes; the call is logged with who made it, or 'refused'. */
  private admin(method: string, call: UnaryCall): string {
    const bytes = requestBytesOf(call.request);
    if (bytes === undefined) throw new ApiError(ApiErrorCode.Internal, 'request bytes not kept');
    let admin: string | undefined;
    try {
      admin = this.auth.requireAdmin(call, call.getPath(), bytes).id;
    } finally {
      // Refused calls are logged too: who tried is what an operator wants to know.
      this.api.logCall(method, { ...callerOf(call), admin: admin ?? 'refused' });
    }
    return admin;
  }

  stop(): void {
    for (const end of [...this.watchers]) end();
  }

  /** One sample now, then one per interval, until the client cancels, max_samples, or stop. */
  private watch(b: CallBinder, call: ServerWritableStream<Raw, unknown>): void {
    const started = performance.now();
    let req: Raw;
    try {
      req = decodedRequest(call.request);
      if (this.watchers.size >= this.maxWatchers)
        throw new ApiError(ApiErrorCode.TooManyStreams, 'too many WatchNode streams', {}, 5000);
    } catch (err) {
      const e = b.fail('WatchNode', err);
      b.observe('WatchNode', started, e.code);
      call.emit('error', toStatus(e));
      return;
    }
    this.api.logCall('WatchNode', callerOf(call));
    const max = typeof req.maxSamples === 'number' && req.maxSamples > 0 ? req.maxSamples : Infinity;
    let sent = 0;
    let ended = false;
    const send = (): void => {
      if (ended) return;
      // A client that does not read misses samples instead of making the node buffer them.
      if (call.writableNeedDrain) return;
      call.write(this.api.sample() satisfies NodeSample);
      if (++sent >= max) end(true);
    };
    const timer = setInterval(send, this.intervalMs);
    const end = (finish: boolean): void => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      this.watchers.delete(stop);
      b.observe('WatchNode', started, finish ? 'OK' : ApiErrorCode.Cancelled);
      if (finish) call.end();
    };
    const stop = (): void => {
      if (ended) return;
      end(false);
      call.emit('error', toStatus(new ApiError(ApiErrorCode.Stopped, 'node stopping')));
    };
    this.watchers.add(stop);
    call.on('cancelled', () => end(false));
    send();
  }
}
