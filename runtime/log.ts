// Structured JSON logs (pino) for every program: a child logger per module whose level can change
// at run time from a spec such as "info,p2p=debug,consensus=warn" (a node's PUT /logspec on the
// management port). Anything whose name says it is a key, secret, passphrase, password or seed is
// redacted at any depth before it is written, so a careless log call cannot leak key material.
// Code that logs takes the small `Logger` interface below, not pino's type, so tests and embedders
// can pass any sink.
import type { DestinationStream, Level, Logger as PinoLogger } from 'pino';
import pino from 'pino';
import { RuntimeError, RuntimeErrorCode } from './errors.js';
import { LogFileSinks, type LogFilesOptions } from './log-files.js';
import { LEVELS, LOG_TYPES, type LogType } from './log-types.js';

export type { LogFilesOptions };
export { LOG_TYPES, type LogType };

/** One log call: `log.warn({ seq }, 'message')` or `log.warn('message')` (pino's argument order). */
export interface LogMethod {
  (meta: object, msg?: string): void;
  (msg: string): void;
}

/** What logging code needs; a pino logger is one. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

export type LoggerLevel = keyof Logger;

/** A Logger that hands every call to `write` (tests, embedding programs). */
export function loggerFrom(
  write: (level: LoggerLevel, msg: string, meta?: Record<string, unknown>) => void,
): Logger {
  const method =
    (level: LoggerLevel): LogMethod =>
    (metaOrMsg: object | string, msg?: string) =>
      typeof metaOrMsg === 'string'
        ? write(level, metaOrMsg)
        : write(level, msg ?? '', metaOrMsg as Record<string, unknown>);
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}

/** A Logger that writes nothing. */
export const silentLogger: Logger = loggerFrom(() => undefined);

const levels: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
type LogLevel = Level | 'silent';

export interface LogSpec {
  defaultLevel: LogLevel;
  /** Module name (dots for sub-modules, "p2p.gossip") -> level. */
  modules: Record<string, LogLevel>;
}

const moduleName = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const MAX_SPEC_CHARS = 1024;

function level(s: string, spec: string): LogLevel {
  if (!levels.includes(s))
    throw new RuntimeError(RuntimeErrorCode.BadConfig, `log spec "${spec}": unknown level "${s}"`);
  return s as LogLevel;
}

/** Parses "level[,module=level]*"; the bare level may be left out (then info). */
export function parseLogSpec(spec: string): LogSpec {
  if (spec.length > MAX_SPEC_CHARS) throw new RuntimeError(RuntimeErrorCode.BadConfig, 'log spec too long');
  const out: LogSpec = { defaultLevel: 'info', modules: {} };
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      out.defaultLevel = level(part, spec);
      continue;
    }
    const name = part.slice(0, eq).trim();
    if (!moduleName.test(name))
      throw new RuntimeError(RuntimeErrorCode.BadConfig, `log spec "${spec}": bad module name "${name}"`);
    out.modules[name] = level(part.slice(eq + 1).trim(), spec);
  }
  return out;
}

export function formatLogSpec(s: LogSpec): string {
  return [s.defaultLevel, ...Object.entries(s.modules).map(([m, l]) => `${m}=${l}`)].join(',');
}

/** The level a module gets: its own entry, else its nearest parent's ("p2p" for "p2p.gossip"). */
export function levelFor(s: LogSpec, module: string): LogLevel {
  for (let name = module; ; name = name.slice(0, name.lastIndexOf('.'))) {
    const l = s.modules[name];
    if (l !== undefined) return l;
    if (!name.includes('.')) return s.defaultLevel;
  }
}

// "publicKey" goes too (harmless); "keyId" and "siteKeyId" stay, they name keys without being one.
const secretName = /keys?$|secret|passphrase|password|seed|private/i;
const MAX_DEPTH = 8;

/** A copy of `v` with secret-named fields replaced; depth-bounded so cycles cannot hang it. */
export function redact(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Error) return v;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  if (ArrayBuffer.isView(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = secretName.test(k) ? '[redacted]' : redact(x, depth + 1);
  return out;
}

export interface Logs {
  /** The operation stream's root logger. */
  root: PinoLogger;
  /**
   * The logger of a module on a stream (default: operation); the same instance each time, so later
   * spec changes reach it. Audit loggers write info and above whatever the spec says: an audit
   * trail a log level could switch off would not be one.
   */
  logger(module: string, type?: LogType): PinoLogger;
  /** Shorthands: `logs.audit('admission')` is `logs.logger('admission', 'audit')`. */
  audit(module: string): PinoLogger;
  consensus(module: string): PinoLogger;
  contract(module: string): PinoLogger;
  /** Validates and applies a spec to every module logger; throws RuntimeError BAD_CONFIG. */
  setLogSpec(spec: string): void;
  spec(): string;
  /**
   * From now on also writes each stream to its own rotated files in `files.dir` (runtime/log-files.ts),
   * after a retention sweep. Resolves once the files are open; lines logged before go to the
   * main destination only.
   */
  attachFiles(files: LogFilesOptions): Promise<void>;
  /** Resolves once every line handed to the files so far is written to them. */
  flush(): Promise<void>;
  /** Flushes and closes the files (the main destination stays open); later lines skip the files. */
  close(): Promise<void>;
}

export interface LogOptions {
  spec?: string;
  /** Where JSON lines of every stream go: a stream, or stdout (the default) or stderr. */
  destination?: DestinationStream | 'stdout' | 'stderr';
  /** Fields on every line (node index, chain...). */
  base?: Record<string, unknown>;
}

const order = { ...LEVELS, silent: 99 } as Record<LogLevel, number>;

/** The audit stream's level: the spec's, but never less verbose than info. */
const auditLevel = (l: LogLevel): LogLevel => (order[l] > order.info ? 'info' : l);

export function createLogs(opts: LogOptions = {}): Logs {
  let current = parseLogSpec(opts.spec ?? 'info');
  const main =
    typeof opts.destination === 'object'
      ? opts.destination
      : pino.destination(opts.destination === 'stderr' ? 2 : 1);
  const files = new LogFileSinks();
  const roots = new Map<LogType, PinoLogger>();
  for (const type of LOG_TYPES) {
    // Every stream goes to the main destination (stdout reads as before); a line names its stream
    // unless it is an operation line, the stream lines always belonged to.
    const tag = type === 'operation' ? {} : { log: type };
    const sink: DestinationStream = {
      write: (line: string) => {
        main.write(line);
        files.write(type, line);
      },
    };
    const root = pino(
      {
        level: type === 'audit' ? auditLevel(current.defaultLevel) : current.defaultLevel,
        base: { pid: process.pid, ...opts.base, ...tag },
        formatters: { log: (o) => redact(o) as Record<string, unknown> },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      sink,
    );
    roots.set(type, root);
  }
  const modules = new Map<string, { type: LogType; name: string; l: PinoLogger }>();
  const levelOf = (type: LogType, name: string): LogLevel =>
    type === 'audit' ? auditLevel(levelFor(current, name)) : levelFor(current, name);
  const logger = (module: string, type: LogType = 'operation'): PinoLogger => {
    const key = `${type}/${module}`;
    let m = modules.get(key);
    if (m === undefined) {
      const l = roots.get(type)!.child({ module });
      l.level = levelOf(type, module);
      m = { type, name: module, l };
      modules.set(key, m);
    }
    return m.l;
  };
  return {
    root: roots.get('operation')!,
    logger,
    audit: (module) => logger(module, 'audit'),
    consensus: (module) => logger(module, 'consensus'),
    contract: (module) => logger(module, 'contract'),
    setLogSpec(spec) {
      current = parseLogSpec(spec);
      for (const [type, root] of roots)
        root.level = type === 'audit' ? auditLevel(current.defaultLevel) : current.defaultLevel;
      for (const m of modules.values()) m.l.level = levelOf(m.type, m.name);
    },
    spec: () => formatLogSpec(current),
    attachFiles: (o) => files.open(o, logger('logs')),
    flush: () => files.flush(),
    close: () => files.close(),
  };
}
