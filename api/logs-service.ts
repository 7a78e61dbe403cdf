// The Logs service (api/logs.proto) written against the query engine (runtime/log-query.ts) and
// the file deletion of runtime/log-files.ts. Who may read and who may delete are decided by
// functions the node injects: this module checks nothing about identities itself. Every call is
// written to the audit stream with the caller; every file deleted is named there. The gRPC
// binding is logs-binding.ts.
import { RuntimeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/log.js';
import { deleteLogFiles } from '../runtime/log-files.js';
import { parseLogFilter, parseLogTypes, parseTime } from '../runtime/log-filter.js';
import { queryLogs } from '../runtime/log-query.js';
import { LOG_TYPES } from '../runtime/log-types.js';
import type { AdminCall } from './admin-auth.js';
import { ApiError, ApiErrorCode, toApiError } from './errors.js';

/** What an authorization check sees of a call: enough for AdminAuth.requireAdmin. */
export interface LogsCaller extends AdminCall {
  /** Remote address as grpc-js reports it ("ipv4:127.0.0.1:53412"). */
  peer: string;
  /** Full gRPC method path ("/bkdms.v1.Logs/DeleteLogs"). */
  method: string;
  /** The request as received: what an admin signature covers. */
  requestBytes: Uint8Array;
}

/**
 * Decides whether a caller may do something; resolves with the identity written to the audit
 * stream, or throws (an ApiError UNAUTHORIZED, typically).
 */
export type LogsAuthorization = (caller: LogsCaller) => Promise<string>;

export interface LogsServiceDeps {
  /** The node's log folder. */
  dir: string;
  /** Who may query. */
  authorizeQuery: LogsAuthorization;
  /** Who may delete: an administrator. Absent, every DeleteLogs is refused. */
  authorizeAdmin?: LogsAuthorization;
  audit: Logger;
  /** Most lines one query returns (default 10,000). */
  maxLines?: number;
  /** Queries running at once (default 2); more are refused with RATE_LIMITED. */
  maxConcurrent?: number;
}

export interface LogLineMessage {
  type: string;
  time: string;
  level: string;
  module: string;
  msg: string;
  file: string;
  json: string;
}

export type Raw = Record<string, unknown>;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A RuntimeError from parsing a request is the caller's mistake. */
function invalid(err: unknown): unknown {
  return err instanceof RuntimeError ? new ApiError(ApiErrorCode.InvalidArgument, err.message) : err;
}

/** The handlers, free of grpc-js streams so they can be driven directly. */
export class LogsHandlers {
  private running = 0;

  constructor(private readonly d: LogsServiceDeps) {}

  async *queryLogs(req: Raw, caller: LogsCaller): AsyncGenerator<LogLineMessage> {
    const who = await this.d.authorizeQuery(caller).catch((err: unknown) => {
      this.d.audit.info({ event: 'logs.query.refused', peer: caller.peer }, 'log query refused');
      throw err;
    });
    const cap = this.d.maxLines ?? 10_000;
    let filter: ReturnType<typeof parseLogFilter>;
    try {
      const limit = typeof req.limit === 'number' && req.limit > 0 ? Math.min(req.limit, cap) : cap;
      filter = parseLogFilter({
        types: strings(req.types),
        from: str(req.from),
        to: str(req.to),
        level: str(req.level),
        module: str(req.module),
        grep: str(req.grep),
        limit,
      });
    } catch (err) {
      throw invalid(err);
    }
    if (this.running >= (this.d.maxConcurrent ?? 2))
      throw new ApiError(ApiErrorCode.RateLimited, 'too many log queries running', {}, 1000);
    this.running++;
    try {
      this.d.audit.info(
        {
          event: 'logs.query',
          peer: caller.peer,
          caller: who,
          types: filter.types ?? LOG_TYPES,
          grep: req.grep || undefined,
        },
        'log query',
      );
      for await (const l of queryLogs(this.d.dir, filter))
        yield {
          type: l.type,
          time: l.time,
          level: l.level,
          module: l.module,
          msg: l.msg,
          file: l.file,
          json: JSON.stringify(l.record),
        };
    } finally {
      this.running--;
    }
  }

  async deleteLogs(req: Raw, caller: LogsCaller): Promise<{ files: { name: string; size: number }[] }> {
    const { authorizeAdmin, audit } = this.d;
    let admin: string;
    try {
      if (authorizeAdmin === undefined)
        throw new ApiError(
          ApiErrorCode.Unauthorized,
          'log deletion needs administrator authentication, which this node does not have',
        );
      admin = await authorizeAdmin(caller);
    } catch (err) {
      audit.info(
        { event: 'logs.delete.refused', peer: caller.peer, reason: toApiError(err).message },
        'log deletion refused',
      );
      throw err;
    }
    let types: ReturnType<typeof parseLogTypes>;
    let beforeMs: number;
    try {
      types = parseLogTypes(strings(req.types));
      if (str(req.before) === '') throw new ApiError(ApiErrorCode.InvalidArgument, 'before is required');
      beforeMs = parseTime(str(req.before), 'before');
    } catch (err) {
      throw invalid(err);
    }
    const removed = await deleteLogFiles(this.d.dir, types.length > 0 ? types : LOG_TYPES, beforeMs);
    for (const f of removed)
      audit.info(
        {
          event: 'logs.deleted',
          admin,
          peer: caller.peer,
          file: f.name,
          size: f.size,
          before: str(req.before),
        },
        'log file deleted by an administrator',
      );
    audit.info(
      { event: 'logs.delete', admin, peer: caller.peer, before: str(req.before), files: removed.length },
      'log deletion',
    );
    return { files: removed.map((f) => ({ name: f.name, size: f.size })) };
  }
}
