// Who may use the Logs service (api/logs.proto) on this node. Reading the logs (the audit stream
// among them) is for the node's operator: until administrator authentication is wired in, only
// callers on the node's own host (loopback) may query; anyone else is refused. Deletion needs an
// administrator check injected by the node's wiring; without one every deletion is refused.
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { LogsCaller } from '../api/logs-service.js';

// grpc-js reports "127.0.0.1:5000" or "[::1]:5000", older versions with an "ipv4:"/"ipv6:" prefix.
const loopback = /^(?:ipv4:)?127\.\d+\.\d+\.\d+:\d+$|^(?:ipv6:)?\[(?:::1|::ffff:127\.\d+\.\d+\.\d+)\]:\d+$/;

/** Admits callers on the loopback interface; their identity is their address. */
export async function loopbackOnly(caller: LogsCaller): Promise<string> {
  if (!loopback.test(caller.peer))
    throw new ApiError(
      ApiErrorCode.Unauthorized,
      'log queries are answered to callers on the node host only',
    );
  return caller.peer;
}
