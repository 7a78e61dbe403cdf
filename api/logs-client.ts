// A node's log lines over its Logs service (QueryLogs, a server stream): what `bkdms logs query
// --rpc` prints. A loopback caller is served as it is; from elsewhere the node wants an
// administrator, so the request is signed over its bytes (as adminCall signs unary calls) or the
// channel carries a client certificate the node knows.
import type { Client, ClientReadableStream } from '@grpc/grpc-js';
import { Metadata as GrpcMetadata } from '@grpc/grpc-js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { requestBytesFor } from './admin-call.js';
import { channelOptionsOf } from './client.js';
import { logsService } from './logs-binding.js';
import type { LogLineMessage } from './logs-service.js';
import { ManagementClient, type ManagementClientOptions } from './management-client.js';
import { fromServiceError } from './status.js';
import { clientCredentials } from './tls.js';

export interface RemoteLogQuery {
  types?: string[];
  /** ISO 8601 bounds, inclusive. */
  from?: string;
  to?: string;
  level?: string;
  module?: string;
  grep?: string;
  /** 0 or absent: the node's cap. */
  limit?: number;
}

type StreamFn = (req: unknown, md: GrpcMetadata) => ClientReadableStream<LogLineMessage>;

/** The matching lines, oldest first, as the node streams them; errors as typed ApiErrors. */
export async function* queryLogsRemote(
  opts: ManagementClientOptions,
  query: RemoteLogQuery,
  admin?: Ed25519KeyPair,
): AsyncGenerator<LogLineMessage> {
  const service = logsService();
  const req = { ...query, types: query.types ?? [], limit: query.limit ?? 0 };
  let md = new GrpcMetadata();
  if (admin !== undefined) {
    const mgmt = new ManagementClient(opts);
    try {
      const path = service.service.QueryLogs?.path ?? '/bkdms.v1.Logs/QueryLogs';
      md = await mgmt.adminMetadata(admin, path, requestBytesFor(service, 'QueryLogs', req));
    } finally {
      mgmt.close();
    }
  }
  const client = new service(opts.address, clientCredentials(opts.tls), channelOptionsOf()) as Client;
  const stream = (client as unknown as Record<string, StreamFn>).QueryLogs!.call(client, req, md);
  try {
    for await (const line of stream) yield line as LogLineMessage;
  } catch (err) {
    throw fromServiceError(err as Parameters<typeof fromServiceError>[0]);
  } finally {
    stream.cancel();
    client.close();
  }
}
