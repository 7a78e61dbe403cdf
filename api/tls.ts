// Transport security of the RPC port. TLS is the default; plaintext only when a config says
// `insecure: true` explicitly (local clusters, tests). Mutual TLS when the server is given the CA
// that signs client certificates: then a client without a valid certificate cannot connect.
import type { ChannelCredentials } from '@grpc/grpc-js';
import { credentials, ServerCredentials } from '@grpc/grpc-js';
import { ApiError, ApiErrorCode } from './errors.js';

export type ServerTls =
  | { insecure: true }
  | {
      insecure?: false;
      /** PEM certificate chain and private key of the server. */
      cert: Uint8Array;
      key: Uint8Array;
      /** PEM CA bundle; when set, clients must present a certificate it signs (mutual TLS). */
      clientCa?: Uint8Array;
    };

export type ClientTls =
  | { insecure: true }
  | {
      insecure?: false;
      /** PEM CA bundle to trust for the server; the system roots when absent. */
      ca?: Uint8Array;
      /** Client certificate and key for mutual TLS. */
      cert?: Uint8Array;
      key?: Uint8Array;
    };

const buf = (b: Uint8Array | undefined): Buffer | null =>
  b === undefined ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export function serverCredentials(tls: ServerTls): ServerCredentials {
  if (tls.insecure === true) return ServerCredentials.createInsecure();
  const requireClientCert = tls.clientCa !== undefined;
  return ServerCredentials.createSsl(
    buf(tls.clientCa),
    [{ cert_chain: buf(tls.cert)!, private_key: buf(tls.key)! }],
    requireClientCert,
  );
}

export function clientCredentials(tls: ClientTls): ChannelCredentials {
  if (tls.insecure === true) return credentials.createInsecure();
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new ApiError(ApiErrorCode.InvalidArgument, 'client TLS: cert and key go together');
  return credentials.createSsl(buf(tls.ca), buf(tls.key), buf(tls.cert));
}
