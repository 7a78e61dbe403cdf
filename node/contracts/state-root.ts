// The state root: a deterministic hash of all contract state, stored per block so that nodes can be
// compared. Keys are spread over 256 buckets by FNV-1a of the key; a bucket's hash covers its
// entries sorted by key, the root covers the 256 bucket hashes. After a block only the buckets it
// touched are re-hashed (bench/store measures this against a full recomputation).
import { domainTag } from '../../codec/signing.js';
import { sha256Parts } from '../../crypto/hash.js';

const BUCKETS = 256;
const ROOT_DOMAIN = domainTag('state-root');
const EMPTY_BUCKET = new Uint8Array(32);
const enc = new TextEncoder();

export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (BUCKETS - 1);
}

function lengthPrefixed(b: Uint8Array): Uint8Array[] {
  const n = new Uint8Array(4);
  new DataView(n.buffer).setUint32(0, b.length);
  return [n, b];
}

/** Hash of one bucket: SHA-256 over (len key, key, len value, value) for its entries in key order. */
export function bucketHash(entries: Map<string, Uint8Array>): Uint8Array {
  if (entries.size === 0) return EMPTY_BUCKET;
  const parts: Uint8Array[] = [];
  // Keys are ASCII (state-keys.ts), so string order is byte order.
  for (const k of [...entries.keys()].sort()) {
    parts.push(...lengthPrefixed(enc.encode(k)), ...lengthPrefixed(entries.get(k) as Uint8Array));
  }
  return sha256Parts(parts);
}

export class StateRootTree {
  private readonly buckets: Map<string, Uint8Array>[] = Array.from({ length: BUCKETS }, () => new Map());
  private readonly hashes: Uint8Array[] = Array.from({ length: BUCKETS }, () => EMPTY_BUCKET);
  private readonly dirty = new Set<number>();

  set(key: string, value: Uint8Array | undefined): void {
    const b = bucketOf(key);
    const m = this.buckets[b] as Map<string, Uint8Array>;
    if (value === undefined) m.delete(key);
    else m.set(key, value);
    this.dirty.add(b);
  }

  root(): Uint8Array {
    for (const b of this.dirty) this.hashes[b] = bucketHash(this.buckets[b] as Map<string, Uint8Array>);
    this.dirty.clear();
    return sha256Parts([ROOT_DOMAIN, ...this.hashes]);
  }

  /** Recomputes every bucket from scratch (the baseline the bench compares the incremental root with). */
  fullRoot(): Uint8Array {
    for (let b = 0; b < BUCKETS; b++) this.dirty.add(b);
    return this.root();
  }
}
