// The block-hash log (docs/wire-format.md §11, "Block-hash log"): an RFC 9162 Merkle tree whose
// leaf i is the hash of block i, leaf 0 being the genesis hash (the chain ID, which block 1 names
// as its parent). The header at height h carries the root of leaves 0..h-1, a tree of size h.
//
// The writer keeps only the frontier: one perfect-subtree hash per set bit of the size, largest
// first, so appending and taking the root cost O(log n) and memory is O(log n). Proofs are built
// from perfect subtrees ("level k, index i" covers leaves [i*2^k, (i+1)*2^k)), which a store keeps
// on disk: appending leaf j completes exactly the subtrees ending at j, one per trailing one bit of j.
import type { Hash32 } from '../codec/types.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import {
  type ConsistencyProof,
  EMPTY_TREE_ROOT,
  type InclusionProof,
  leafHash,
  nodeHash,
  splitPoint,
} from './merkle-hash.js';

/** A perfect subtree: level k, index i covers leaves [i * 2^k, (i + 1) * 2^k). */
export interface Subtree {
  level: number;
  index: number;
}

const pow2 = (k: number): number => 2 ** k;

function invalid(message: string, meta: Record<string, number> = {}): CryptoError {
  return new CryptoError(CryptoErrorCode.InvalidInput, `hash log: ${message}`, meta);
}

/** Levels of the set bits of n, highest first (n up to 2^53 - 1, so no 32-bit operators). */
function bitLevels(n: number): number[] {
  const out: number[] = [];
  for (let k = 53; k >= 0; k--) {
    const p = pow2(k);
    if (n >= p) {
      out.push(k);
      n -= p;
    }
  }
  return out;
}

/** The perfect subtrees whose roots form the frontier of a tree of `size` leaves, largest first. */
export function frontierSubtrees(size: number): Subtree[] {
  let offset = 0;
  return bitLevels(size).map((level) => {
    const s = { level, index: offset / pow2(level) };
    offset += pow2(level);
    return s;
  });
}

/** The perfect subtrees completed by appending leaf `index`: levels 0 .. (trailing ones of index). */
export function subtreesEndingAt(index: number): Subtree[] {
  const out: Subtree[] = [];
  for (let level = 0; (index + 1) % pow2(level) === 0; level++)
    out.push({ level, index: (index + 1) / pow2(level) - 1 });
  return out;
}

export class LogFrontier {
  private constructor(
    private count: number,
    private readonly nodes: Hash32[],
  ) {}

  static empty(): LogFrontier {
    return new LogFrontier(0, []);
  }

  /** A frontier from its subtree hashes, in frontierSubtrees(size) order. */
  static of(size: number, nodes: readonly Hash32[]): LogFrontier {
    if (!Number.isSafeInteger(size) || size < 0) throw invalid('size must be a safe non-negative integer');
    if (nodes.length !== frontierSubtrees(size).length || nodes.some((h) => h.length !== 32))
      throw invalid('frontier does not match its size', { size, nodes: nodes.length });
    return new LogFrontier(size, [...nodes]);
  }

  get size(): number {
    return this.count;
  }

  /** The frontier's subtree hashes, largest first (what LogFrontier.of takes back). */
  get subtrees(): readonly Hash32[] {
    return this.nodes;
  }

  clone(): LogFrontier {
    return new LogFrontier(this.count, [...this.nodes]);
  }

  /**
   * Appends a leaf (a block hash). Returns the hashes of the perfect subtrees it completes, level 0
   * (the leaf hash) first, matching subtreesEndingAt(old size).
   */
  append(leaf: Uint8Array): Hash32[] {
    let h = leafHash(leaf);
    const completed = [h];
    for (let n = this.count; n % 2 === 1; n = Math.floor(n / 2)) {
      h = nodeHash(this.nodes.pop()!, h);
      completed.push(h);
    }
    this.nodes.push(h);
    this.count++;
    return completed;
  }

  /** MTH of the leaves so far: the frontier folded from the right (RFC 9162 splits left-heavy). */
  root(): Hash32 {
    if (this.nodes.length === 0) return EMPTY_TREE_ROOT;
    let r = this.nodes[this.nodes.length - 1]!;
    for (let i = this.nodes.length - 2; i >= 0; i--) r = nodeHash(this.nodes[i]!, r);
    return r;
  }
}

/** Reads a perfect subtree's hash; throws when it does not know it. */
export type SubtreeSource = (s: Subtree) => Hash32;

function isPow2(n: number): boolean {
  return n >= 1 && pow2(Math.round(Math.log2(n))) === n;
}

/** MTH(D[lo:hi]) of the ranges RFC 9162 recursion visits (perfect subtrees or right edges). */
function rangeHash(lo: number, hi: number, src: SubtreeSource): Hash32 {
  const n = hi - lo;
  if (isPow2(n) && lo % n === 0) return src({ level: Math.round(Math.log2(n)), index: lo / n });
  const k = splitPoint(n);
  return nodeHash(rangeHash(lo, lo + k, src), rangeHash(lo + k, hi, src));
}

function checkSize(size: number, min: number, max: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < min || size > max)
    throw invalid(`${what} must be in [${min}, ${max}]`, { [what]: size });
}

/** RFC 9162 2.1.3.1 PATH(index, D[size]) built from perfect subtrees. */
export function logInclusionProof(index: number, size: number, src: SubtreeSource): InclusionProof {
  checkSize(size, 1, Number.MAX_SAFE_INTEGER, 'treeSize');
  checkSize(index, 0, size - 1, 'leafIndex');
  const path: Hash32[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (m < k) {
      walk(m, lo, lo + k);
      path.push(rangeHash(lo + k, hi, src));
    } else {
      walk(m - k, lo + k, hi);
      path.push(rangeHash(lo, lo + k, src));
    }
  };
  walk(index, 0, size);
  return { leafIndex: index, treeSize: size, path };
}

/** RFC 9162 2.1.4.1 PROOF(first, D[second]) built from perfect subtrees; empty when equal. */
export function logConsistencyProof(first: number, second: number, src: SubtreeSource): ConsistencyProof {
  checkSize(second, 1, Number.MAX_SAFE_INTEGER, 'secondSize');
  checkSize(first, 1, second, 'firstSize');
  const path: Hash32[] = [];
  const sub = (m: number, lo: number, hi: number, whole: boolean): void => {
    if (m === hi - lo) {
      if (!whole) path.push(rangeHash(lo, hi, src));
      return;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      sub(m, lo, lo + k, whole);
      path.push(rangeHash(lo + k, hi, src));
    } else {
      sub(m - k, lo + k, hi, false);
      path.push(rangeHash(lo, lo + k, src));
    }
  };
  if (first < second) sub(first, 0, second, true);
  return { firstSize: first, secondSize: second, path };
}

/** Root of the first `size` leaves from perfect subtrees (a frontier read back from a store). */
export function logRootFrom(size: number, src: SubtreeSource): Hash32 {
  checkSize(size, 0, Number.MAX_SAFE_INTEGER, 'size');
  return size === 0 ? EMPTY_TREE_ROOT : rangeHash(0, size, src);
}

const DUMMY = new Uint8Array(32);
const subtreeKey = (s: Subtree): string => `${s.level}/${s.index}`;

/**
 * The perfect subtrees `build` reads, found by running it once on placeholder hashes (the RFC
 * recursion depends on the sizes only), so a store can fetch them all in one batched read and run
 * `build` again on a map of them: see withSubtrees.
 */
export function subtreesRead<T>(build: (src: SubtreeSource) => T): Subtree[] {
  const seen = new Map<string, Subtree>();
  build((s) => {
    seen.set(subtreeKey(s), s);
    return DUMMY;
  });
  return [...seen.values()];
}

/** Runs `build` on subtree hashes fetched in one batch by `fetch` (in the order asked). */
export async function withSubtrees<T>(
  build: (src: SubtreeSource) => T,
  fetch: (subtrees: Subtree[]) => Promise<Hash32[]>,
): Promise<T> {
  const wanted = subtreesRead(build);
  const got = await fetch(wanted);
  const map = new Map<string, Hash32>();
  wanted.forEach((s, i) => {
    const h = got[i];
    if (h === undefined || h.length !== 32) throw invalid('subtree hash missing', { ...s });
    map.set(subtreeKey(s), h);
  });
  return build((s) => {
    const h = map.get(subtreeKey(s));
    if (h === undefined) throw invalid('subtree not fetched', { ...s });
    return h;
  });
}
