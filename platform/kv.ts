// The key-value backend under the platform store: classic-level on disk, a sorted map in memory
// (the test twin). String keys and values; one atomic batch is the unit of every write.
import { ClassicLevel } from 'classic-level';
import { PlatformError, PlatformErrorCode } from './errors.js';

export interface KvOp {
  key: string;
  /** undefined deletes the key. */
  value: string | undefined;
}

export interface Kv {
  get(key: string): Promise<string | undefined>;
  /** All ops or none, durable (synced) when it resolves. */
  batch(ops: KvOp[]): Promise<void>;
  /** Entries with gte <= key < lt, ascending. */
  range(gte: string, lt: string): AsyncIterable<[string, string]>;
  close(): Promise<void>;
}

export class MemoryKv implements Kv {
  /** Exposed so tests can play an attacker with write access to the platform database. */
  readonly entries = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async batch(ops: KvOp[]): Promise<void> {
    for (const op of ops) {
      if (op.value === undefined) this.entries.delete(op.key);
      else this.entries.set(op.key, op.value);
    }
  }

  async *range(gte: string, lt: string): AsyncIterable<[string, string]> {
    const keys = [...this.entries.keys()].filter((k) => k >= gte && k < lt).sort();
    for (const k of keys) {
      const v = this.entries.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  async close(): Promise<void> {}
}

/** A disk failure is a STORE error: the follow loop stops on it instead of blaming the node. */
function ioError(what: string, err: unknown): PlatformError {
  return new PlatformError(PlatformErrorCode.Store, `platform database ${what} failed: ${String(err)}`);
}

export class LevelKv implements Kv {
  private constructor(private readonly level: ClassicLevel<string, string>) {}

  static async open(dir: string): Promise<LevelKv> {
    const level = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      await level.open();
    } catch (err) {
      throw new PlatformError(
        PlatformErrorCode.Store,
        `cannot open platform database ${dir}: ${String(err)}`,
        {
          dir,
        },
      );
    }
    return new LevelKv(level);
  }

  get(key: string): Promise<string | undefined> {
    return this.level.get(key).catch((err: unknown) => {
      throw ioError('read', err);
    });
  }

  async batch(ops: KvOp[]): Promise<void> {
    const level = ops.map((op) =>
      op.value === undefined
        ? { type: 'del' as const, key: op.key }
        : { type: 'put' as const, key: op.key, value: op.value },
    );
    try {
      await this.level.batch(level, { sync: true });
    } catch (err) {
      throw ioError('write', err);
    }
  }

  async *range(gte: string, lt: string): AsyncIterable<[string, string]> {
    const it = this.level.iterator({ gte, lt });
    try {
      for (;;) {
        const entries = await it.nextv(256);
        if (entries.length === 0) return;
        yield* entries;
      }
    } finally {
      await it.close();
    }
  }

  close(): Promise<void> {
    return this.level.close();
  }
}
