// Query cursors: authenticated under the node's secret and bound to their query; the secret is
// kept in the data folder (0600), so cursors survive a restart and work on no other node.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { CURSOR_SECRET_FILE, loadCursorSecret, QueryCursors } from '../../../node/query-cursors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bkdms-cursors-'));
  dirs.push(d);
  return d;
};

const STORE_CURSOR = 'AQIDBAUGBwgJ_-';

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).meta.field).toBe('cursor');
    return (err as ApiError).code;
  }
}

describe('QueryCursors', () => {
  const cursors = new QueryCursors(new Uint8Array(32).fill(1));

  it('gives back the store cursor it sealed, for the same query only', () => {
    const sealed = cursors.seal('site/ab/0/9', STORE_CURSOR);
    expect(cursors.open('site/ab/0/9', sealed)).toBe(STORE_CURSOR);
    expect(Buffer.from(sealed).toString('latin1')).not.toBe(STORE_CURSOR);
    expect(refusal(() => cursors.open('site/ab/0/10', sealed))).toBe(ApiErrorCode.BadCursor);
    expect(refusal(() => cursors.open('city/ab/0/9', sealed))).toBe(ApiErrorCode.BadCursor);
  });

  it('no next page is an empty cursor, and an empty cursor is the first page', () => {
    expect(cursors.seal('q', undefined)).toEqual(new Uint8Array(0));
    expect(cursors.open('q', new Uint8Array(0))).toBeUndefined();
  });

  it('refuses the bare store cursor, truncations, another version and another secret', () => {
    const sealed = cursors.seal('q', STORE_CURSOR);
    const bare = new TextEncoder().encode(STORE_CURSOR);
    expect(refusal(() => cursors.open('q', bare))).toBe(ApiErrorCode.BadCursor);
    for (const len of [1, 32, 33, sealed.length - 1])
      expect(refusal(() => cursors.open('q', sealed.subarray(0, len)))).toBe(ApiErrorCode.BadCursor);
    const v2 = sealed.slice();
    v2[0] = 2;
    expect(refusal(() => cursors.open('q', v2))).toBe(ApiErrorCode.BadCursor);
    const other = new QueryCursors(new Uint8Array(32).fill(2));
    expect(refusal(() => other.open('q', sealed))).toBe(ApiErrorCode.BadCursor);
  });
});

describe('the cursor secret in the data folder', () => {
  it('is made once, 0600, and read back on restart: cursors survive it', async () => {
    const dir = tempDir();
    const first = new QueryCursors(await loadCursorSecret(dir));
    const path = join(dir, CURSOR_SECRET_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Written atomically: no temp file left beside it.
    expect(readdirSync(dir)).toEqual([CURSOR_SECRET_FILE]);
    const text = readFileSync(path, 'utf8');
    const sealed = first.seal('q', STORE_CURSOR);
    const restarted = new QueryCursors(await loadCursorSecret(dir));
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(restarted.open('q', sealed)).toBe(STORE_CURSOR);
    // Another node (another data folder) does not accept it.
    const elsewhere = new QueryCursors(await loadCursorSecret(tempDir()));
    expect(refusal(() => elsewhere.open('q', sealed))).toBe(ApiErrorCode.BadCursor);
  });

  it('creates a missing data folder', async () => {
    const dir = join(tempDir(), 'a', 'b');
    await loadCursorSecret(dir);
    expect(statSync(join(dir, CURSOR_SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it('replaces a secret others could read, or one that is not 32 bytes of hex', async () => {
    const dir = tempDir();
    const path = join(dir, CURSOR_SECRET_FILE);
    const old = new QueryCursors(await loadCursorSecret(dir));
    const sealed = old.seal('q', STORE_CURSOR);
    chmodSync(path, 0o644);
    const after = new QueryCursors(await loadCursorSecret(dir));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(refusal(() => after.open('q', sealed))).toBe(ApiErrorCode.BadCursor);
    writeFileSync(path, 'not hex\n', { mode: 0o600 });
    await loadCursorSecret(dir);
    expect(readFileSync(path, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });
});
