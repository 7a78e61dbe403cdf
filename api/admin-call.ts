// One admin-only unary call of any service on the node's RPC port (AckAlarm of Alarms, DeleteLogs
// of Logs, …): the request is serialized as the channel will send it, signed over those bytes for
// the node it goes to (ManagementClient.adminMetadata, the signing SetLogLevel uses), and sent
// with the signature. Without a key, the node must know the caller by its mutual-TLS certificate.
import type { Client, ServiceClientConstructor } from '@grpc/grpc-js';
import { Metadata as GrpcMetadata } from '@grpc/grpc-js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { channelOptionsOf, defaultClientDeadlineMs } from './client.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { ManagementClient, type ManagementClientOptions, type UnaryFn } from './management-client.js';
import { fromServiceError } from './status.js';
import { clientCredentials } from './tls.js';

/** The bytes `req` is sent as by `method` of `service` (what an admin signature covers). */
export function requestBytesFor(service: ServiceClientConstructor, method: string, req: unknown): Uint8Array {
  const m = service.service[method];
  if (m === undefined) throw new ApiError(ApiErrorCode.Internal, `no method ${method}`);
  return new Uint8Array(m.requestSerialize(req));
}

export async function adminCall<T>(
  opts: ManagementClientOptions,
  service: ServiceClientConstructor,
  method: string,
  req: unknown,
  admin?: Ed25519KeyPair,
): Promise<T> {
  const path = service.service[method]?.path;
  if (path === undefined) throw new ApiError(ApiErrorCode.Internal, `no method ${method}`);
  let md = new GrpcMetadata();
  if (admin !== undefined) {
    const mgmt = new ManagementClient(opts);
    try {
      md = await mgmt.adminMetadata(admin, path, requestBytesFor(service, method, req));
    } finally {
      mgmt.close();
    }
  }
  const client = new service(opts.address, clientCredentials(opts.tls), channelOptionsOf()) as Client;
  const fn = (client as unknown as Record<string, UnaryFn>)[method]!.bind(client);
  const deadline = Date.now() + (opts.deadlineMs ?? defaultClientDeadlineMs);
  try {
    return await new Promise<T>((resolve, reject) => {
      fn(req, md, { deadline }, (err, res) => (err ? reject(fromServiceError(err)) : resolve(res as T)));
    });
  } finally {
    client.close();
  }
}
