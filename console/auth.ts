// Who may use the console. On loopback anyone on this machine may (as with every bkdms port);
// off loopback a login token is required: given once as /login?token=…, it becomes an HttpOnly,
// SameSite=Strict cookie, or sent as `Authorization: Bearer …` by scripts. Tokens are compared in
// constant time over their SHA-256, so neither length nor prefix leaks.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackAddress } from '../runtime/loopback.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';

export const COOKIE = 'bkdms_console';
const MIN_TOKEN = 16;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Refuses an off-loopback listen address without a token, and a token too short to be one. */
export function checkListen(listen: string, token: string | undefined): void {
  if (token !== undefined && token.length < MIN_TOKEN)
    throw new ConsoleError(
      ConsoleErrorCode.BadOption,
      `the login token must have at least ${MIN_TOKEN} characters`,
    );
  if (!isLoopbackAddress(listen) && token === undefined)
    throw new ConsoleError(
      ConsoleErrorCode.BadOption,
      `--listen ${listen} is off loopback: give a login token (--token-file or BKDMS_CONSOLE_TOKEN)`,
    );
}

export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** The token a request carries: its bearer header, else its console cookie. */
export function requestToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function loginCookie(token: string): string {
  return `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
