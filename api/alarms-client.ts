// A node's alarms over its RPC port (the Alarms service, api/alarms.proto): the list (ListAlarms)
// and the stream of changes (WatchAlarms), in the shape the node keeps them (AlarmView), so the
// CLI prints the same table and JSON as from the management port. Connects like BkdmsClient
// (TLS, mutual TLS, or plaintext when the flags say so). Reads are open: no admin credential.
import type { CallOptions, Client, ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { type AlarmView, alarmsService } from './alarms.js';
import { channelOptionsOf, defaultClientDeadlineMs } from './client.js';
import type { ManagementClientOptions } from './management-client.js';
import { fromServiceError } from './status.js';
import { clientCredentials } from './tls.js';

/** The Alarm message as the client's proto loader decodes it (uint64 as numbers). */
export interface AlarmMessage {
  id: string;
  rule: string;
  severity: string;
  location?: { node: number; peer: number; component: string; height: number };
  cause: string;
  analysis: string;
  recovery: string;
  runbook: string;
  state: string;
  raisedAtMs: number;
  acknowledgedAtMs: number;
  acknowledgedBy: string;
  clearedAtMs: number;
  updatedAtMs: number;
}

export interface AlarmEventView {
  /** active (the list when the watch began), raised, updated, acknowledged, cleared. */
  kind: string;
  alarm: AlarmView;
}

/** The message back in the node's shape: the proto's zero values (peer −1, times 0, '') absent. */
export function fromAlarmMessage(m: AlarmMessage): AlarmView {
  const loc = m.location ?? { node: -1, peer: -1, component: '', height: 0 };
  return {
    id: m.id,
    rule: m.rule,
    severity: m.severity,
    location: {
      node: loc.node,
      ...(loc.peer >= 0 ? { peer: loc.peer } : {}),
      component: loc.component,
      height: Number(loc.height),
    },
    cause: m.cause,
    analysis: m.analysis,
    ...(m.recovery === '' ? {} : { recovery: m.recovery }),
    runbook: m.runbook,
    state: m.state,
    raisedAt: Number(m.raisedAtMs),
    ...(Number(m.acknowledgedAtMs) > 0 ? { acknowledgedAt: Number(m.acknowledgedAtMs) } : {}),
    ...(m.acknowledgedBy === '' ? {} : { acknowledgedBy: m.acknowledgedBy }),
    ...(Number(m.clearedAtMs) > 0 ? { clearedAt: Number(m.clearedAtMs) } : {}),
    updatedAt: Number(m.updatedAtMs),
  };
}

type UnaryFn = (
  req: unknown,
  md: Metadata,
  opts: CallOptions,
  cb: (err: ServiceError | null, res?: { alarms?: AlarmMessage[] }) => void,
) => unknown;
type StreamFn = (req: unknown, md: Metadata) => ClientReadableStream<{ kind: string; alarm?: AlarmMessage }>;

function clientOf(opts: ManagementClientOptions): Client {
  const Ctor = alarmsService();
  return new Ctor(opts.address, clientCredentials(opts.tls), channelOptionsOf());
}

/** The node's active alarms, or with `history` the cleared ones it keeps; errors as ApiErrors. */
export async function listAlarmsRemote(
  opts: ManagementClientOptions,
  history: boolean,
): Promise<AlarmView[]> {
  const client = clientOf(opts);
  try {
    const fn = (client as unknown as Record<string, UnaryFn>).ListAlarms!.bind(client);
    const res = await new Promise<{ alarms?: AlarmMessage[] }>((resolve, reject) =>
      fn(
        { history },
        new Metadata(),
        { deadline: Date.now() + (opts.deadlineMs ?? defaultClientDeadlineMs) },
        (err, r) => (err ? reject(fromServiceError(err)) : resolve(r ?? {})),
      ),
    );
    return (res.alarms ?? []).map(fromAlarmMessage);
  } finally {
    client.close();
  }
}

/**
 * The active alarms (kind "active"), then every change as the node makes it, until the caller
 * stops iterating, `signal` aborts (the iteration then ends quietly) or the node ends the stream.
 * No deadline: a watch lasts as long as the caller wants; a node that goes away ends it with an
 * ApiError (UNAVAILABLE).
 */
export async function* watchAlarmsRemote(
  opts: ManagementClientOptions,
  signal?: AbortSignal,
): AsyncGenerator<AlarmEventView> {
  const client = clientOf(opts);
  const stream = (client as unknown as Record<string, StreamFn>).WatchAlarms!.call(
    client,
    {},
    new Metadata(),
  );
  const onAbort = (): void => stream.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const e of stream as AsyncIterable<{ kind: string; alarm?: AlarmMessage }>) {
      if (e.alarm === undefined) continue;
      yield { kind: e.kind, alarm: fromAlarmMessage(e.alarm) };
    }
  } catch (err) {
    if (signal?.aborted === true) return;
    throw fromServiceError(err as ServiceError);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.cancel();
    client.close();
  }
}
