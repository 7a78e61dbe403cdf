// The one interface every collection adapter implements (Y.4907 §8.1 "Collection"). A new kind
// of source is one small class: it turns its input into batches of SourceReading and says where it
// is, so the site can resume it after a restart without re-reading everything.

import { type SourceReading, toReading } from '../reading.js';

/** An input row that could not be made into a reading; counted and logged as a drop. */
export interface InvalidReading {
  source: string;
  id: string;
  reason: string;
}

export interface ReadingBatch {
  readings: SourceReading[];
  invalid: InvalidReading[];
  /**
   * Where the source stands after this batch (a byte offset, a last row key), persisted by the
   * site once the batch is durably spooled and handed back to the source's factory on restart.
   */
  cursor?: string;
  /**
   * Set by a source that cannot read its input right now and keeps retrying (a database that is
   * down): the problem, shown in the site's status; '' once it reads again. Such a batch may be
   * empty.
   */
  sourceError?: string;
}

export interface Source {
  readonly name: string;
  /**
   * Yields batches until the input is exhausted (one-shot) or `signal` aborts (follow mode). The
   * consumer asks for the next batch only after it has durably stored the previous one, which is
   * how a push source knows when to acknowledge its client.
   */
  batches(signal: AbortSignal): AsyncIterable<ReadingBatch>;
  /** True when everything available right now has been delivered (EOF reached, query drained). */
  caughtUp(): boolean;
}

/** Resolves after `ms`, or at once when `signal` aborts; for sources that poll in follow mode. */
export { pause } from '../../api/retry.js';

/** Validates one untrusted row; a bad row becomes an InvalidReading instead of stopping the source. */
export function readingOrInvalid(input: unknown, source: string, id: string): SourceReading | InvalidReading {
  try {
    return toReading(input, source, id);
  } catch (err) {
    return { source, id, reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

/** A promise with its settle functions (Promise.withResolvers is not in the ES2023 lib we target). */
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
