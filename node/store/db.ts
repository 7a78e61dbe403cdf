// The key-value contract the store and the contracts write through. Keys and values are bytes;
// keys sort lexicographically (unsigned bytes), which the range queries rely on. Two
// implementations: LevelDb (classic-level, on disk) and MemoryDb (tests, models).

export type DbOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export interface DbRange {
  /** Inclusive lower bound. */
  gte?: Uint8Array;
  /** Exclusive lower bound (wins over gte when both are given). */
  gt?: Uint8Array;
  /** Exclusive upper bound. */
  lt?: Uint8Array;
  /** Inclusive upper bound (lt wins when both are given). */
  lte?: Uint8Array;
  reverse?: boolean;
  /** Maximum entries returned; unbounded when omitted. */
  limit?: number;
}

export interface Db {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Several gets in one call (one native round trip on LevelDb), results in key order. */
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  del(key: Uint8Array): Promise<void>;
  /** Applies every op atomically. `sync` forces the write to stable storage before resolving. */
  batch(ops: DbOp[], opts?: { sync?: boolean }): Promise<void>;
  /** Entries in key order (or reverse) inside the range. */
  iterate(range: DbRange): AsyncIterable<[Uint8Array, Uint8Array]>;
  close(): Promise<void>;
}

/** Unsigned lexicographic comparison of byte strings, as LevelDB orders keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** True when `key` lies inside the range's bounds (ignores reverse and limit). */
export function inRange(key: Uint8Array, r: DbRange): boolean {
  if (r.gt !== undefined) {
    if (compareBytes(key, r.gt) <= 0) return false;
  } else if (r.gte !== undefined && compareBytes(key, r.gte) < 0) return false;
  if (r.lt !== undefined) {
    if (compareBytes(key, r.lt) >= 0) return false;
  } else if (r.lte !== undefined && compareBytes(key, r.lte) > 0) return false;
  return true;
}
