// The state root: a deterministic hash of all contract state, stored per block so that nodes can be
// compared. Keys are spread over 4096 buckets by FNV-1a of the key; a bucket's hash covers its
// entries sorted by key, the root covers the 4096 bucket hashes (128 KiB, one hash call). After a
// block only the buckets it touched are re-hashed (bench/store measures this against a full
// recomputation). Each bucket is hashed as one contiguous buffer: one native call per bucket
// instead of one per field.
import { domainTag } from '../codec/signing.js';
import { sha256, sha256Parts } from '../crypto/hash.js';

const BUCKETS = 4096;
const ROOT_DOMAIN = domainTag('state-root');
const EMPTY_BUCKET = new Uint8Array(32);
const enc = new TextEncoder();

export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ (h >>> 16)) & (BUCKETS - 1);
}

/** Hash of one bucket: SHA-256 over (len key u32, key, len value u32, value) for its entries in key order. */
export function bucketHash(entries: Map<string, Uint8Array>): Uint8Array {
  if (entries.size === 0) return EMPTY_BUCKET;
  // Keys are ASCII (records.ts), so string order is byte order and key length is byte length.
  const keys = [...entries.keys()].sort();
  let n = 0;
  for (const k of keys) n += 8 + k.length + (entries.get(k) as Uint8Array).length;
  const buf = new Uint8Array(n);
  const dv = new DataView(buf.buffer);
  let at = 0;
  for (const k of keys) {
    const v = entries.get(k) as Uint8Array;
    dv.setUint32(at, k.length);
    at += 4 + enc.encodeInto(k, buf.subarray(at + 4)).written;
    dv.setUint32(at, v.length);
    buf.set(v, at + 4);
    at += 4 + v.length;
  }
  return sha256(buf);
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
    return sha256Parts([ROOT_DOMAIN, concatHashes(this.hashes)]);
  }

  /** Recomputes every bucket from scratch (the baseline the bench compares the incremental root with). */
  fullRoot(): Uint8Array {
    for (let b = 0; b < BUCKETS; b++) this.dirty.add(b);
    return this.root();
  }
}

function concatHashes(hs: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(32 * hs.length);
  hs.forEach((h, i) => {
    out.set(h, 32 * i);
  });
  return out;
}
