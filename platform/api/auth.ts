// Who may read through the query API. On loopback the API is open unless tokens are configured;
// on any other address it refuses to start without a read token (nothing listens beyond loopback
// unconfigured and unprotected). Tokens are compared in constant time over their SHA-256, so
// neither the content nor the length of a configured token leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { PlatformError, PlatformErrorCode } from '../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port`; port 0 picks a free one (tests). */
export function parseListen(listen: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || port > 65535)
    throw new PlatformError(PlatformErrorCode.BadConfig, `api.listen: ${listen} is not host:port`);
  return { host, port };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** A check of `Authorization: Bearer <token>` against the configured tokens (none: every request passes). */
export function bearerCheck(tokens: readonly string[]): (authorization: string | undefined) => boolean {
  const want = tokens.map(digest);
  if (want.length === 0) return () => true;
  return (authorization) => {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization ?? '');
    if (!m?.[1]) return false;
    const got = digest(m[1]);
    // Every configured token is compared, so which one matched does not show either.
    let ok = false;
    for (const w of want) ok = timingSafeEqual(got, w) || ok;
    return ok;
  };
}

/** Refuses a listen address off loopback without a token. */
export function checkExposure(addr: ListenAddress, tokens: readonly string[]): void {
  if (!isLoopback(addr.host) && tokens.length === 0)
    throw new PlatformError(
      PlatformErrorCode.BadConfig,
      `api.listen ${addr.host} is not loopback: configure api.tokens (read tokens) to serve it`,
    );
}
