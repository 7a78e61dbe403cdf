// The Logs page's read: one node's log lines through its Logs service (QueryLogs, the query
// `bkdms logs query --rpc` makes), filtered by stream, lowest level, module and a text pattern.
// The node serves a loopback caller as it is; from elsewhere it wants an administrator, so the
// query is signed with the console's --admin-key when it has one. The page asks for the newest
// lines of a window; the console keeps at most LOG_LIMIT of them.

import { queryLogsRemote, type RemoteLogQuery } from '../api/logs-client.js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { NodeWatch } from './node-watch.js';

export const LOG_LIMIT = 500;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const TYPES = ['operation', 'audit', 'consensus', 'contract'];

export interface LogRow {
  type: string;
  time: string;
  level: string;
  module: string;
  msg: string;
  /** The line as written (JSON), for the detail view. */
  json: string;
}

function bad(message: string): ConsoleError {
  return new ConsoleError(ConsoleErrorCode.BadRequest, message);
}

/** The page's filter checked and turned into the node's query (ISO bounds from `sinceMs`). */
export function logQuery(q: URLSearchParams, now: number): RemoteLogQuery & { from: string } {
  const level = q.get('level') ?? '';
  if (level !== '' && !LEVELS.includes(level)) throw bad(`level: one of ${LEVELS.join(', ')}`);
  const type = q.get('type') ?? '';
  if (type !== '' && !TYPES.includes(type)) throw bad(`type: one of ${TYPES.join(', ')}`);
  const module = q.get('module') ?? '';
  if (!/^[\w.:/-]{0,64}$/.test(module)) throw bad('module: letters, digits and . : / - _ (64 at most)');
  const grep = q.get('text') ?? '';
  if (grep.length > 256) throw bad('text: at most 256 characters');
  try {
    new RegExp(grep);
  } catch {
    throw bad('text: not a valid regular expression');
  }
  const sinceText = q.get('sinceMs') ?? '900000';
  const since = Number(sinceText);
  if (!/^\d{1,11}$/.test(sinceText) || since < 1) throw bad('sinceMs: a positive window, ms');
  const limitText = q.get('limit') ?? '200';
  const limit = Number(limitText);
  if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > LOG_LIMIT) throw bad(`limit: 1..${LOG_LIMIT}`);
  return {
    ...(type === '' ? {} : { types: [type] }),
    ...(level === '' ? {} : { level }),
    ...(module === '' ? {} : { module }),
    ...(grep === '' ? {} : { grep }),
    from: new Date(now - since).toISOString(),
    limit,
  };
}

/** Windows tried in turn, ms: the node answers oldest first, so the newest lines are found by
 * widening the window from the newest minute until it holds enough of them. */
export function tailWindows(sinceMs: number): number[] {
  const steps = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000].filter((w) => w < sinceMs);
  return [...steps, sinceMs];
}

/**
 * The newest `query.limit` matching lines of the window, oldest first. `truncated` when the window
 * that was read held more lines than the node returns at once (older ones are then left out, and
 * perhaps some within the newest window read too: narrow the filter).
 */
export async function nodeLogs(
  node: NodeWatch | undefined,
  query: RemoteLogQuery & { from: string },
  admin: Ed25519KeyPair | undefined,
  now: number,
): Promise<{ lines: LogRow[]; truncated: boolean }> {
  if (node === undefined) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such node');
  const want = query.limit ?? LOG_LIMIT;
  let lines: LogRow[] = [];
  for (const w of tailWindows(now - Date.parse(query.from))) {
    lines = [];
    const q = { ...query, from: new Date(now - w).toISOString(), limit: LOG_LIMIT };
    for await (const l of queryLogsRemote(node.rpcTarget, q, admin))
      lines.push({ type: l.type, time: l.time, level: l.level, module: l.module, msg: l.msg, json: l.json });
    if (lines.length >= want) break;
  }
  return { lines: lines.slice(-want), truncated: lines.length >= LOG_LIMIT };
}
