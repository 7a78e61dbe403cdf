// The Alarms gRPC service (api/alarms.proto): handlers written against a small source interface
// the node's fault management implements (node/mgmt/alarms/service.ts), so this layer knows
// nothing of how alarms are made. Acknowledging needs an administrator, checked by the injected
// AdminAuth (api/admin-auth.ts: an allow-listed client certificate, or a signature over the
// request bytes as received); without one, AckAlarm is refused with UNIMPLEMENTED (never
// acknowledged on an unauthenticated call). The admin's identity is what acknowledgedBy records.
import { join } from 'node:path';
import {
  loadPackageDefinition,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type ServiceDefinition,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Logger } from '../runtime/log.js';
import type { AdminAuth } from './admin-auth.js';
import { ApiError, ApiErrorCode, toApiError } from './errors.js';
import { protoPath, requestBytesOf, tolerantDefinition } from './proto.js';
import type { ApiService } from './service-registry.js';
import { toStatus } from './status.js';
import { decodedRequest } from './validate.js';

/** An alarm as the source gives it (the node's Alarm is of this shape). */
export interface AlarmView {
  id: string;
  rule: string;
  severity: string;
  location: { node: number; peer?: number; component: string; height: number };
  cause: string;
  analysis: string;
  recovery?: string;
  runbook: string;
  state: string;
  raisedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  clearedAt?: number;
  updatedAt: number;
}

export interface AlarmSourceApi {
  list(): AlarmView[];
  history(): AlarmView[];
  /** False when no active alarm has that ID. */
  ack(id: string, by: string): boolean;
  /** Returns the function that stops watching. */
  watch(listener: (e: { kind: string; alarm: AlarmView }) => void): () => void;
}

export const ACK_ALARM_PATH = '/bkdms.alarms.v1.Alarms/AckAlarm';

export interface AlarmsServiceOptions {
  /** Who may acknowledge: the node's administrator check. Absent, AckAlarm is UNIMPLEMENTED. */
  admin?: Pick<AdminAuth, 'requireAdmin'>;
  /** Where acknowledgements and refused attempts are recorded (the audit stream). */
  audit?: Logger;
  /** Events a watcher may have unread before it is cut off; default 256. */
  maxUnread?: number;
}

const alarmsProto = join(protoPath, '..', 'alarms.proto');
let cached: ServiceClientConstructor | undefined;

/** The Alarms service's client constructor (its `.service` is the server-side definition). */
export function alarmsService(): ServiceClientConstructor {
  if (cached) return cached;
  const def = loadSync(alarmsProto, { keepCase: false, longs: Number, defaults: true, oneofs: false });
  const pkg = loadPackageDefinition(def) as unknown as {
    bkdms: { alarms: { v1: { Alarms: ServiceClientConstructor } } };
  };
  cached = pkg.bkdms.alarms.v1.Alarms;
  return cached;
}

/** An alarm as the Alarm message (absent fields as the proto's zero values). */
export function toAlarmMessage(a: AlarmView): Record<string, unknown> {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    location: { ...a.location, peer: a.location.peer ?? -1 },
    cause: a.cause,
    analysis: a.analysis,
    recovery: a.recovery ?? '',
    runbook: a.runbook,
    state: a.state,
    raisedAtMs: a.raisedAt,
    acknowledgedAtMs: a.acknowledgedAt ?? 0,
    acknowledgedBy: a.acknowledgedBy ?? '',
    clearedAtMs: a.clearedAt ?? 0,
    updatedAtMs: a.updatedAt,
  };
}

const MAX_ID = 256;

export function alarmsServiceHandlers(
  source: AlarmSourceApi,
  opts: AlarmsServiceOptions = {},
): { definition: ServiceDefinition; impl: UntypedServiceImplementation } {
  const maxUnread = opts.maxUnread ?? 256;
  const impl: UntypedServiceImplementation = {
    ListAlarms: (call: ServerUnaryCall<{ history?: boolean }, unknown>, cb: sendUnaryData<unknown>) => {
      const list = call.request.history === true ? source.history() : source.list();
      cb(null, { alarms: list.map(toAlarmMessage) });
    },
    WatchAlarms: (call: ServerWritableStream<unknown, unknown>) => {
      // Writes past the stream's high-water mark since it last drained: the watcher's unread backlog.
      let unread = 0;
      let open = true;
      call.on('drain', () => {
        unread = 0;
      });
      const send = (kind: string, alarm: AlarmView): void => {
        if (!open) return;
        if (unread >= maxUnread) {
          close();
          call.emit('error', { code: status.RESOURCE_EXHAUSTED, details: 'alarm watcher does not read' });
          return;
        }
        if (!call.write({ kind, alarm: toAlarmMessage(alarm) })) unread++;
      };
      const unwatch = source.watch((e) => send(e.kind, e.alarm));
      const close = (): void => {
        open = false;
        unwatch();
      };
      call.on('cancelled', close);
      call.on('close', close);
      for (const a of source.list()) send('active', a);
    },
    AckAlarm: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
      const fail = (err: unknown): void => cb(toStatus(toApiError(err)));
      const peer = call.getPeer();
      let id = '';
      let by: string;
      try {
        const req = decodedRequest(call.request);
        id = typeof req.id === 'string' ? req.id : '';
        const admin = opts.admin;
        if (admin === undefined)
          return cb({ code: status.UNIMPLEMENTED, details: 'no administrator authentication on this node' });
        const bytes = requestBytesOf(call.request);
        if (bytes === undefined) throw new ApiError(ApiErrorCode.Internal, 'request bytes not kept');
        try {
          by = admin.requireAdmin(call, call.getPath(), bytes).id;
        } catch (err) {
          opts.audit?.info(
            { event: 'alarm.ack.refused', id, peer, reason: toApiError(err).message },
            'alarm acknowledgement refused',
          );
          throw err;
        }
        if (id === '' || id.length > MAX_ID)
          throw new ApiError(ApiErrorCode.InvalidArgument, `id must be 1 to ${MAX_ID} characters`, {
            field: 'id',
          });
      } catch (err) {
        return fail(err);
      }
      if (!source.ack(id, by)) return cb({ code: status.NOT_FOUND, details: `no active alarm ${id}` });
      opts.audit?.info({ event: 'alarm.ack', id, admin: by, peer }, 'alarm acknowledged by an administrator');
      const alarm = source.list().find((a) => a.id === id);
      cb(null, { alarm: alarm === undefined ? undefined : toAlarmMessage(alarm) });
    },
  };
  // The tolerant definition keeps each request's bytes: an admin signature covers them as received.
  return { definition: tolerantDefinition(alarmsService()), impl };
}

/** The Alarms service as one more service of the node's RPC server (api/service-registry.ts). */
export function alarmsApiService(source: AlarmSourceApi, opts: AlarmsServiceOptions = {}): ApiService {
  return {
    name: 'bkdms.alarms.v1.Alarms',
    bind: () => {
      const { definition, impl } = alarmsServiceHandlers(source, opts);
      return { definition, implementation: impl };
    },
  };
}
