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
import { sha256Into, sha256Parts } from '../crypto/hash.js';
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

/** A bucket's leaf hash written into `out`: the 0x00 prefix encoded in front of the entries, no concatenation. */
function bucketLeafInto(out: Uint8Array, m: Map<string, Uint8Array>): void {
  if (m.size === 0) {
    out.set(EMPTY_BUCKET_LEAF);
    return;
  }
  const entries = sortedEntries(m);
  let n = 1;
  for (const e of entries) n += 8 + e.key.length + e.value.length;
  const w = new Writer(n);
  w.u8(0x00);
  writeStateEntries(w, entries);
  sha256Into(out, w.finish());
}

export function encodeBucket(entries: readonly StateEntry[]): Uint8Array {
  if (entries.length === 0) return new Uint8Array(0);
  let n = 0;
  for (const e of entries) n += 8 + e.key.length + e.value.length;
  const w = new Writer(n);
  writeStateEntries(w, entries);
  return w.finish();
}

/**
 * Node storage: the two children of node i and the 0x01 inner-node prefix before them form one
 * 65-byte cell (cell i = 0x01 || node 2i || node 2i + 1), so the hash input of node i already lies
 * in memory and every hash writes its 32 bytes in place: no copying and no new array per hash
 * (profiled: the ~1,400 hashes a block of uploads costs were a tenth of a commit, half of it
 * allocation and copies). The top node, 1, is the right half of the unused cell 0.
 */
const CELL = 65;

export class StateRootTree {
  private readonly buckets: Map<string, Uint8Array>[] = Array.from(
    { length: STATE_BUCKETS },
    () => new Map(),
  );
  /** Heap layout: node 1 is the top, node i has children 2i and 2i + 1, leaves at STATE_BUCKETS + b. */
  private readonly cells = new Uint8Array(CELL * STATE_BUCKETS);
  /** node(i): a view of node i's 32 bytes in its parent's cell. */
  private readonly node: Uint8Array[] = new Array(2 * STATE_BUCKETS);
  /** input(i): a view of cell i, the hash input of inner node i. */
  private readonly input: Uint8Array[] = new Array(STATE_BUCKETS);
  private readonly dirty = new Set<number>();
  /** Scratch marks of inner nodes queued for re-hashing (all zero between root() calls). */
  private readonly queued = new Uint8Array(STATE_BUCKETS);

  constructor() {
    for (let i = 0; i < STATE_BUCKETS; i++) {
      this.cells[CELL * i] = 0x01;
      this.input[i] = this.cells.subarray(CELL * i, CELL * i + CELL);
    }
    for (let j = 1; j < 2 * STATE_BUCKETS; j++) {
      const at = CELL * (j >> 1) + 1 + 32 * (j & 1);
      this.node[j] = this.cells.subarray(at, at + 32);
    }
    let level = EMPTY_BUCKET_LEAF;
    for (let width = STATE_BUCKETS; width >= 1; width >>= 1) {
      for (let i = width; i < 2 * width; i++) (this.node[i] as Uint8Array).set(level);
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
      const queued = this.queued;
      let parents: number[] = [];
      for (const b of this.dirty) {
        bucketLeafInto(
          this.node[STATE_BUCKETS + b] as Uint8Array,
          this.buckets[b] as Map<string, Uint8Array>,
        );
        const p = (STATE_BUCKETS + b) >> 1;
        if (queued[p] === 0) {
          queued[p] = 1;
          parents.push(p);
        }
      }
      this.dirty.clear();
      while (parents.length > 0) {
        const next: number[] = [];
        for (const i of parents) {
          queued[i] = 0;
          sha256Into(this.node[i] as Uint8Array, this.input[i] as Uint8Array);
          const p = i >> 1;
          if (p >= 1 && queued[p] === 0) {
            queued[p] = 1;
            next.push(p);
          }
        }
        parents = next;
      }
    }
    return stateRootOf(this.node[1] as Uint8Array);
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
    // Copies: the tree's nodes are rewritten in place by later roots.
    for (let i = STATE_BUCKETS + bucket; i > 1; i >>= 1)
      siblings.push((this.node[i ^ 1] as Uint8Array).slice());
    return { bucket, entries: sortedEntries(this.buckets[bucket] as Map<string, Uint8Array>), siblings };
  }
}
