// Query cursors as the node hands them out: the store's cursor (an index key) authenticated with an
// HMAC under a secret of this node, bound to the query it was issued for. A client can only pass
// back a cursor this node issued for this same query; a forged or altered one is BAD_CURSOR instead
// of a jump to wherever the client liked. The secret lives in <dataDir>/cursor.key (0600, written
// atomically), so cursors survive a restart of the node; another node has another secret, so a
// cursor only works on the node that issued it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { writeFileAtomic0600 } from '../crypto/keystore.js';
import { NodeError, NodeErrorCode } from './errors.js';

const VERSION = 1;
const MAC_BYTES = 32;
const SECRET_BYTES = 32;
const DOMAIN = 'bkdms query cursor v1\n';
export const CURSOR_SECRET_FILE = 'cursor.key';

const badCursor = (why: string): ApiError =>
  new ApiError(ApiErrorCode.BadCursor, `cursor not issued by this node for this query (${why})`, {
    field: 'cursor',
  });

export class QueryCursors {
  private readonly secret: Uint8Array;

  constructor(secret: Uint8Array) {
    if (secret.length !== SECRET_BYTES)
      throw new NodeError(NodeErrorCode.BadConfig, `cursor secret must be ${SECRET_BYTES} bytes`);
    this.secret = secret.slice();
  }

  /**
   * The cursor to send for the store's next-page cursor (empty when there is no next page).
   * `scope` names the query exactly (kind, key, time range), so the cursor fits no other one.
   * Layout: version (1) || HMAC-SHA256 (32) || the store's cursor (ASCII).
   */
  seal(scope: string, storeCursor: string | undefined): Uint8Array {
    if (storeCursor === undefined) return new Uint8Array(0);
    const body = Buffer.from(storeCursor, 'latin1');
    const out = new Uint8Array(1 + MAC_BYTES + body.length);
    out[0] = VERSION;
    out.set(this.mac(scope, body), 1);
    out.set(body, 1 + MAC_BYTES);
    return out;
  }

  /** The store's cursor inside `cursor` (undefined for the first page), or BAD_CURSOR. */
  open(scope: string, cursor: Uint8Array): string | undefined {
    if (cursor.length === 0) return undefined;
    if (cursor.length <= 1 + MAC_BYTES) throw badCursor('too short');
    if (cursor[0] !== VERSION) throw badCursor('unknown version');
    const body = cursor.subarray(1 + MAC_BYTES);
    if (!timingSafeEqual(this.mac(scope, body), cursor.subarray(1, 1 + MAC_BYTES)))
      throw badCursor('authentication failed');
    return Buffer.from(body).toString('latin1');
  }

  private mac(scope: string, body: Uint8Array): Uint8Array {
    // The scope is length-prefixed so no scope/body split can be read as another.
    const s = Buffer.from(scope, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(s.length);
    return createHmac('sha256', this.secret).update(DOMAIN).update(len).update(s).update(body).digest();
  }
}

/**
 * The node's cursor secret from <dataDir>/cursor.key, made on first start. A file that is not
 * 64 hex characters, or that group or others may read (the secret may have leaked), is replaced by
 * a new secret: the only cost is that cursors issued before stop working (BAD_CURSOR).
 */
export async function loadCursorSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, CURSOR_SECRET_FILE);
  const kept = readSecret(path);
  if (kept !== undefined) return kept;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = new Uint8Array(randomBytes(SECRET_BYTES));
  await writeFileAtomic0600(path, `${Buffer.from(secret).toString('hex')}\n`);
  return secret;
}

function readSecret(path: string): Uint8Array | undefined {
  try {
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0 || st.size > 128) return undefined;
    const text = readFileSync(path, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? new Uint8Array(Buffer.from(text, 'hex')) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
