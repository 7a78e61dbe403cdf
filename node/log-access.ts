// Who may use the Logs service (api/logs.proto) on this node. Reading the logs (the audit stream
// among them) is for the node's operator: callers on the node's own host (loopback) may query,
// and so may administrators from anywhere (api/admin-auth.ts: an allow-listed client certificate
// or a request signed by an administrator key). Deleting needs an administrator, wherever the
// caller is.
import type { AdminAuth } from '../api/admin-auth.js';
import { AdminHeader } from '../api/admin-request.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { LogsAuthorization, LogsCaller } from '../api/logs-service.js';

// grpc-js reports "127.0.0.1:5000" or "[::1]:5000", older versions with an "ipv4:"/"ipv6:" prefix.
const loopback = /^(?:ipv4:)?127\.\d+\.\d+\.\d+:\d+$|^(?:ipv6:)?\[(?:::1|::ffff:127\.\d+\.\d+\.\d+)\]:\d+$/;

export const isLoopback = (peer: string): boolean => loopback.test(peer);

/** Admits callers on the loopback interface; their identity is their address. */
export async function loopbackOnly(caller: LogsCaller): Promise<string> {
  if (!isLoopback(caller.peer))
    throw new ApiError(
      ApiErrorCode.Unauthorized,
      'log queries are answered to callers on the node host only',
    );
  return caller.peer;
}

type Auth = Pick<AdminAuth, 'requireAdmin'>;

/** Admits administrators only; the identity is the admin's ("key:…" or "cert:…"). */
export function adminOnly(auth: Auth): LogsAuthorization {
  return async (c) => auth.requireAdmin(c, c.method, c.requestBytes).id;
}

/**
 * Admits loopback callers and administrators from elsewhere. A loopback caller is named by its
 * admin credential when it has one (so the audit line says who); a signed loopback call whose
 * signature fails is refused, never quietly downgraded to "a loopback caller".
 */
export function loopbackOrAdmin(auth: Auth): LogsAuthorization {
  const admin = adminOnly(auth);
  return async (c) => {
    if (!isLoopback(c.peer) || c.metadata.get(AdminHeader.signature).length > 0) return admin(c);
    try {
      return await admin(c);
    } catch {
      return c.peer;
    }
  };
}
