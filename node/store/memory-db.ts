// In-memory twin of LevelDb for tests and models. Same ordering and atomicity; additionally it can
// simulate a crash that loses the writes not yet synced (LevelDB without sync may lose its tail
// of the write-ahead log on power loss, but never part of a batch).

import { toHex } from '../../crypto/bytes.js';
import { compareBytes, type Db, type DbOp, type DbRange, inRange } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';

type Undo = { key: Uint8Array; prev: Uint8Array | undefined };

export class MemoryDb implements Db {
  /** Keys kept sorted; values looked up by hex key. */
  private keys: Uint8Array[] = [];
  private readonly values = new Map<string, Uint8Array>();
  /** Ops applied since the last synced write, newest last, to undo on a simulated crash. */
  private undo: Undo[] = [];
  private closed = false;

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.check();
    return this.values.get(hex(key));
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.check();
    return keys.map((k) => this.values.get(hex(k)));
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    await this.batch([{ type: 'put', key, value }]);
  }

  async del(key: Uint8Array): Promise<void> {
    await this.batch([{ type: 'del', key }]);
  }

  async batch(ops: DbOp[], opts: { sync?: boolean } = {}): Promise<void> {
    this.check();
    for (const op of ops) {
      const k = hex(op.key);
      this.undo.push({ key: op.key.slice(), prev: this.values.get(k) });
      if (op.type === 'put') this.set(k, op.key, op.value.slice());
      else this.remove(k, op.key);
    }
    if (opts.sync === true) this.undo = [];
  }

  async *iterate(range: DbRange): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.check();
    // Snapshot the matching keys first so writes during iteration do not disturb it.
    const matched = this.keys.filter((k) => inRange(k, range));
    if (range.reverse === true) matched.reverse();
    const limit = range.limit ?? Number.POSITIVE_INFINITY;
    let n = 0;
    for (const k of matched) {
      if (n++ >= limit) return;
      const v = this.values.get(hex(k));
      if (v !== undefined) yield [k, v];
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Reopens after close() with the same contents (a restart of the process). */
  reopen(): this {
    this.closed = false;
    return this;
  }

  /** Simulates power loss: every write since the last synced batch is lost, whole batches only. */
  crashUnsynced(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) {
      const u = this.undo[i] as Undo;
      const k = hex(u.key);
      if (u.prev === undefined) this.remove(k, u.key);
      else this.set(k, u.key, u.prev);
    }
    this.undo = [];
    this.closed = true;
  }

  get size(): number {
    return this.keys.length;
  }

  private set(k: string, key: Uint8Array, value: Uint8Array): void {
    if (!this.values.has(k)) this.keys.splice(this.position(key), 0, key.slice());
    this.values.set(k, value);
  }

  private remove(k: string, key: Uint8Array): void {
    if (!this.values.delete(k)) return;
    this.keys.splice(this.position(key), 1);
  }

  /** Index of the first stored key >= key (binary search). */
  private position(key: Uint8Array): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.keys[mid] as Uint8Array, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private check(): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed, 'memory db is closed');
  }
}

const hex = toHex;
