import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { COOKIE, checkListen, loginCookie, requestToken, tokenMatches } from '../../../console/auth.js';
import { ConsoleErrorCode } from '../../../console/errors.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('console login', () => {
  it('listens on loopback without a token, refuses any other address without one', () => {
    expect(() => checkListen('127.0.0.1:8080', undefined)).not.toThrow();
    expect(() => checkListen('[::1]:8080', undefined)).not.toThrow();
    expect(() => checkListen('0.0.0.0:8080', undefined)).toThrow(
      expect.objectContaining({ code: ConsoleErrorCode.BadOption }),
    );
    expect(() => checkListen('10.0.0.5:8080', 'a-token-long-enough')).not.toThrow();
  });

  it('refuses a token too short to be one', () => {
    expect(() => checkListen('127.0.0.1:8080', 'short')).toThrow(/at least 16/);
  });

  it('matches the token exactly, from the bearer header or the cookie', () => {
    const token = 'x'.repeat(20);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token}y`, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(requestToken(req({ authorization: `Bearer ${token}` }))).toBe(token);
    expect(requestToken(req({ cookie: `a=b; ${COOKIE}=${token}` }))).toBe(token);
    expect(requestToken(req({}))).toBeUndefined();
    expect(loginCookie(token)).toContain('HttpOnly');
  });
});
