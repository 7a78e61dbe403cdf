// What a running node process does with an error nothing caught: a promise rejected with no
// handler, or an exception thrown out of a callback. Node's default ends the process, so one
// forgotten handler anywhere (our network code, a library, a timer) takes the validator down, and
// with it a quarter of a 4-node chain's fault tolerance; a peer that merely accepts TCP and never
// answers was enough to do it.
//
// The policy: log the error (level error), count it in bkdms_uncaught_errors_total{kind}, and keep
// running, because the state that matters is intact. Committed blocks, indexes and the consensus
// WAL are written only inside the consensus driver's queue and the ledger, whose failures are
// caught there and stop the node (onFatal); what escapes to the process comes from network, RPC
// or timer callbacks, whose state is per connection or rebuilt. The exception is an error of the
// store or the consensus core itself (StoreError, ConsensusError, a LevelDB error, a file-system
// error under the data folder): there the state may be half written, so the node stops cleanly
// through its lifecycle (exit code 1) and recovers at the next start (docs/storage.md).
import { resolve, sep } from 'node:path';
import { ConsensusError } from '../consensus/errors.js';
import type { Logger } from '../runtime/log.js';
import { StoreError } from './store/index.js';

export type UncaughtKind = 'rejection' | 'exception';

export interface GuardTarget {
  log: Logger;
  /** Counts one uncaught error (the metric). */
  count(kind: UncaughtKind): void;
  /** Stops the node through its lifecycle, as a fatal error does. */
  fail(err: unknown): void;
  /** The node's data folder: a file-system error on a path inside it is a store error. */
  dataDir: string;
}

/** Whether `err` comes from the store or the consensus core, where state may be inconsistent. */
export function threatensState(err: unknown, dataDir: string): boolean {
  if (err instanceof StoreError || err instanceof ConsensusError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { code, path } = err as { code?: unknown; path?: unknown };
  // classic-level's errors carry LEVEL_* codes.
  if (typeof code === 'string' && code.startsWith('LEVEL_')) return true;
  if (typeof path !== 'string') return false;
  const dir = resolve(dataDir);
  const p = resolve(path);
  return p === dir || p.startsWith(dir + sep);
}

/**
 * What is logged of an uncaught error: an Error as the logger serializes errors (its key-like
 * fields are redacted there); anything else by its type only, since an arbitrary rejection
 * value could be anything, key material included.
 */
function loggable(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { err };
  return { reasonType: err === null ? 'null' : typeof err };
}

/**
 * Installs the policy on `proc` (the node process; an emitter in tests) and returns the function
 * that removes it.
 */
export function guardProcess(
  target: GuardTarget,
  proc: Pick<NodeJS.Process, 'on' | 'off'> = process,
): () => void {
  const handle =
    (kind: UncaughtKind) =>
    (err: unknown): void => {
      target.count(kind);
      const stop = threatensState(err, target.dataDir);
      target.log.error(
        { ...loggable(err), kind, stopping: stop },
        stop
          ? `uncaught ${kind} from the store or consensus: stopping the node`
          : `uncaught ${kind}: the node keeps running`,
      );
      if (stop) target.fail(err);
    };
  const onRejection = handle('rejection');
  const onException = handle('exception');
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
