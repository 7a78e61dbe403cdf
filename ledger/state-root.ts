// The state root: a binary Merkle tree over the contract state, so that one key can be proven
// against a certified header with one bucket and 12 hashes (docs/wire-format.md §State proofs).
// Keys are spread over 4096 buckets by FNV-1a of the key, except the keys of a list group (all SCP
// keys, all open proposals), which share the bucket of their group prefix: one bucket then proves
// the whole list complete. A bucket's leaf is SHA-256(0x00 || its entries sorted by key), an inner
// node SHA-256(0x01 || left || right) (RFC 9162 style), and the root SHA-256("BKDMS/v1/state-root\0"
// || top node). After a block only the buckets it touched and their 12 ancestors are re-hashed
// (bench/store measures this against a full recomputation).
import { STATE_TREE_LEVELS } from '../codec/caps.js';
import { domainTag } from '../codec/signing.js';
import type { StateEntry, StateProof } from '../codec/state-proof.js';
import { writeStateEntries } from '../codec/state-proof.js';
import { Writer } from '../codec/writer.js';
import { sha256Parts } from '../crypto/hash.js';
import { nodeHash } from '../crypto/merkle-hash.js';

export const STATE_BUCKETS = 1 << STATE_TREE_LEVELS;
const ROOT_DOMAIN = domainTag('state-root');
const LEAF_PREFIX = Uint8Array.of(0x00);
const enc = new TextEncoder();

/**
 * Key prefixes whose keys all live in one bucket (the bucket of the prefix itself), so that the
 * list under the prefix is proven complete by that one bucket. Changing this list is a state-root
 * change.
 */
export const GROUP_PREFIXES = ['scp/', 'gov/proposal/', 'gov/history/', 'xchain/client/'] as const;
export type GroupPrefix = (typeof GROUP_PREFIXES)[number];

export function isGroupPrefix(s: string): s is GroupPrefix {
  return (GROUP_PREFIXES as readonly string[]).includes(s);
}

function fnv(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ (h >>> 16)) & (STATE_BUCKETS - 1);
}

/** The group prefix a key belongs to, if any. */
export function groupOf(key: string): GroupPrefix | undefined {
  for (const g of GROUP_PREFIXES) if (key.startsWith(g)) return g;
  return undefined;
}

/** The bucket of a key: FNV-1a of its group prefix when it has one, else of the key itself. */
export function bucketOf(key: string): number {
  return fnv(groupOf(key) ?? key);
}

/** Leaf hash of a bucket from its encoding (sorted entries, docs/wire-format.md). */
export function bucketLeaf(bucketBytes: Uint8Array): Uint8Array {
  return sha256Parts([LEAF_PREFIX, bucketBytes]);
}

export const EMPTY_BUCKET_LEAF: Uint8Array = bucketLeaf(new Uint8Array(0));

/** The state root from the tree's top node. */
export function stateRootOf(top: Uint8Array): Uint8Array {
  return sha256Parts([ROOT_DOMAIN, top]);
}

/** A bucket's entries, ascending by key (keys are ASCII: string order is byte order). */
function sortedEntries(m: Map<string, Uint8Array>): StateEntry[] {
  return [...m.keys()].sort().map((k) => ({ key: enc.encode(k), value: m.get(k) as Uint8Array }));
}

export function encodeBucket(entries: readonly StateEntry[]): Uint8Array {
  if (entries.length === 0) return new Uint8Array(0);
  let n = 0;
  for (const e of entries) n += 8 + e.key.length + e.value.length;
  const w = new Writer(n);
  writeStateEntries(w, entries);
  return w.finish();
}

export class StateRootTree {
  private readonly buckets: Map<string, Uint8Array>[] = Array.from(
    { length: STATE_BUCKETS },
    () => new Map(),
  );
  /** Heap layout: node 1 is the top, node i has children 2i and 2i + 1, leaves at STATE_BUCKETS + b. */
  private readonly nodes: Uint8Array[] = new Array(2 * STATE_BUCKETS);
  private readonly dirty = new Set<number>();

  constructor() {
    let level = EMPTY_BUCKET_LEAF;
    for (let width = STATE_BUCKETS; width >= 1; width >>= 1) {
      for (let i = width; i < 2 * width; i++) this.nodes[i] = level;
      level = nodeHash(level, level);
    }
  }

  set(key: string, value: Uint8Array | undefined): void {
    const b = bucketOf(key);
    const m = this.buckets[b] as Map<string, Uint8Array>;
    if (value === undefined) m.delete(key);
    else m.set(key, value);
    this.dirty.add(b);
  }

  get(key: string): Uint8Array | undefined {
    return this.buckets[bucketOf(key)]?.get(key);
  }

  root(): Uint8Array {
    if (this.dirty.size > 0) {
      let parents = new Set<number>();
      for (const b of this.dirty) {
        const entries = sortedEntries(this.buckets[b] as Map<string, Uint8Array>);
        this.nodes[STATE_BUCKETS + b] = bucketLeaf(encodeBucket(entries));
        parents.add((STATE_BUCKETS + b) >> 1);
      }
      this.dirty.clear();
      while (parents.size > 0) {
        const next = new Set<number>();
        for (const i of parents) {
          this.nodes[i] = nodeHash(this.nodes[2 * i] as Uint8Array, this.nodes[2 * i + 1] as Uint8Array);
          if (i > 1) next.add(i >> 1);
        }
        parents = next;
      }
    }
    return stateRootOf(this.nodes[1] as Uint8Array);
  }

  /** Recomputes every bucket from scratch (the baseline the bench compares the incremental root with). */
  fullRoot(): Uint8Array {
    for (let b = 0; b < STATE_BUCKETS; b++) this.dirty.add(b);
    return this.root();
  }

  /** The proof of the bucket holding `key` (or a group prefix): every entry of it and 12 siblings. */
  proof(key: string): StateProof {
    this.root();
    const bucket = bucketOf(key);
    const siblings: Uint8Array[] = [];
    for (let i = STATE_BUCKETS + bucket; i > 1; i >>= 1) siblings.push(this.nodes[i ^ 1] as Uint8Array);
    return { bucket, entries: sortedEntries(this.buckets[bucket] as Map<string, Uint8Array>), siblings };
  }
}
